import { Injectable } from '@nestjs/common';
import { ChangeNotifications } from '../../common/notifications/change-notifications.service';
import { CacheStats, LruMap } from '../../common/lru-map';
import { AppConfig } from '../../config/app-config';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING } from '../../changes/content-changes';

const POINTERS_PER_ENTRY = 4;

export type CacheEntryKind = 'content' | 'pointer';

/**
 * Published content cached in this process. Every change that can alter what the public sees sends a NOTIFY
 * (see src/changes/content-changes.ts) at commit; each API instance LISTENs (ChangeNotifications) and drops what
 * changed. While the LISTEN connection is down nothing is cached, so a missed notification can never serve
 * stale content.
 */
@Injectable()
export class DeliveryCache {
  private readonly values: LruMap<string, { articleId: string | null; value: unknown }>;
  /** Serialized GraphQL responses (see response-cache.ts); emptied by every invalidation. */
  private readonly responses: LruMap<string, string>;
  /** Small entries (a slug → an article id): many more of them fit. */
  private readonly pointers: LruMap<string, { articleId: string | null; value: unknown }>;
  private listening = false;
  /** Bumped by every invalidation: a load that overlapped one is not cached (it may have read the old state). */
  private generation = 0;

  constructor(config: AppConfig, notifications: ChangeNotifications) {
    this.values = new LruMap(config.articles.deliveryCacheEntries);
    this.pointers = new LruMap(config.articles.deliveryCacheEntries * POINTERS_PER_ENTRY);
    this.responses = new LruMap(config.articles.deliveryCacheEntries);
    if (config.articles.deliveryCacheEntries > 0) {
      notifications.subscribe(ARTICLE_CHANGED_CHANNEL, {
        onNotification: (articleId) => this.invalidate(articleId || EVERYTHING),
        onListeningChanged: (listening) => {
          this.listening = listening;
          this.invalidate(EVERYTHING);
        },
      });
    }
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

  /** Hits, misses and entries of the content, pointer and whole-response maps (lookups made while listening). */
  stats(): Record<'content' | 'pointers' | 'responses', CacheStats> {
    return { content: this.values.stats, pointers: this.pointers.stats, responses: this.responses.stats };
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
}
