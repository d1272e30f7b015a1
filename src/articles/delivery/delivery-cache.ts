import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../../config/app-config';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING } from '../article-changes';

/** A small LRU map: the newest entries survive. */
class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
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

const RECONNECT_DELAY_MS = 1_000;
const POINTERS_PER_ENTRY = 4;

export type CacheEntryKind = 'content' | 'pointer';

/**
 * Published content cached in this process. Every change that can alter what the public sees sends a NOTIFY
 * (see article-changes.ts) at commit; each API instance LISTENs and drops what changed. While the LISTEN
 * connection is down nothing is cached, so a missed notification can never serve stale content.
 */
@Injectable()
export class DeliveryCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryCache.name);
  private readonly values: LruMap<string, { articleId: string | null; value: unknown }>;
  /** Serialized GraphQL responses (see response-cache.ts); emptied by every invalidation. */
  private readonly responses: LruMap<string, string>;
  /** Small entries (a slug → an article id): many more of them fit. */
  private readonly pointers: LruMap<string, { articleId: string | null; value: unknown }>;
  private client: Client | null = null;
  private listening = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Bumped by every invalidation: a load that overlapped one is not cached (it may have read the old state). */
  private generation = 0;

  constructor(private readonly config: AppConfig) {
    this.values = new LruMap(config.articles.deliveryCacheEntries);
    this.pointers = new LruMap(config.articles.deliveryCacheEntries * POINTERS_PER_ENTRY);
    this.responses = new LruMap(config.articles.deliveryCacheEntries);
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.articles.deliveryCacheEntries > 0) await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
  }

  /**
   * The cached value, or `load()`'s result (cached when listening). `articleId` (or a function of the value
   * giving it): the entry is dropped when that article changes; null: when any article changes.
   */
  async get<T>(key: string, articleId: string | null | ((value: T) => string | null), load: () => Promise<T>, kind: CacheEntryKind = 'content'): Promise<T> {
    const map = kind === 'content' ? this.values : this.pointers;
    if (this.listening) {
      const hit = map.get(key);
      if (hit) return hit.value as T;
    }
    const generation = this.generation;
    const value = await load();
    if (this.listening && generation === this.generation && value !== null && value !== undefined) {
      map.set(key, { articleId: typeof articleId === 'function' ? articleId(value) : articleId, value });
    }
    return value;
  }

  get currentGeneration(): number {
    return this.generation;
  }

  response(key: string): string | undefined {
    return this.listening ? this.responses.get(key) : undefined;
  }

  /** Kept only if nothing was invalidated since `generation` was read (when the request started). */
  storeResponse(key: string, payload: string, generation: number): void {
    if (this.listening && generation === this.generation) this.responses.set(key, payload);
  }

  /** True while invalidations arrive, i.e. while cached entries can be trusted. */
  get isActive(): boolean {
    return this.listening;
  }

  /** Drops the entries of one article and every entry not tied to a single article (lists, trees). */
  invalidate(articleId: string): void {
    this.generation += 1;
    this.responses.clear();
    if (articleId === EVERYTHING) {
      this.values.clear();
      this.pointers.clear();
      return;
    }
    const stale = (_key: string, entry: { articleId: string | null }): boolean => entry.articleId === null || entry.articleId === articleId;
    this.values.deleteWhere(stale);
    this.pointers.deleteWhere(stale);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, application_name: 'evergreen-cache-listener' });
    client.on('notification', (message) => {
      if (message.channel === ARTICLE_CHANGED_CHANNEL && message.payload) this.invalidate(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${ARTICLE_CHANGED_CHANNEL}`);
      this.client = client;
      this.generation += 1;
      this.values.clear();
      this.pointers.clear();
      this.responses.clear();
      this.listening = true;
    } catch (error) {
      this.lost(client, error);
    }
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== null && this.client !== client) return;
    this.listening = false;
    this.values.clear();
    this.pointers.clear();
    this.responses.clear();
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped || this.reconnectTimer) return;
    if (error) this.logger.warn({ err: error }, 'Delivery cache listener lost; serving uncached until it reconnects');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}
