export interface CacheStats {
  hits: number;
  misses: number;
  entries: number;
}

/** A small LRU map: the newest entries survive. */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** Lookups that found an entry, and that did not (for the hit rate in /metrics). */
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.hits += 1;
      this.entries.delete(key);
      this.entries.set(key, value);
    } else {
      this.misses += 1;
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  get stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, entries: this.entries.size };
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  deleteWhere(predicate: (key: K, value: V) => boolean): void {
    for (const [key, value] of this.entries) if (predicate(key, value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
