import { Injectable } from '@nestjs/common';
import { ChangeNotifications } from '../../common/notifications/change-notifications.service';
import { CacheStats, LruMap } from '../../common/lru-map';
import { AppConfig } from '../../config/app-config';
import { ARTICLE_CHANGED_CHANNEL, EVERYTHING } from '../../changes/content-changes';

const POINTERS_PER_ENTRY = 4;
/** Keys the doorkeeper remembers per cache entry (see `admits`). */
const MISSES_REMEMBERED_PER_ENTRY = 2;

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
  /**
   * Keys of content entries and responses missed once lately. An article, list or response is stored on its second
   * miss, not its first (the "doorkeeper" of TinyLFU): pages read once in a while (the long tail of a large help
   * center, a crawler's walk) pass through without evicting what readers keep coming back to, and without the
   * cost of storing what is never read again. Slug pointers are small and always stored.
   */
  private readonly missedOnce: LruMap<string, true>;
  private listening = false;
  /** Bumped by every invalidation: a load that overlapped one is not cached (it may have read the old state). */
  private generation = 0;

  constructor(config: AppConfig, notifications: ChangeNotifications) {
    this.values = new LruMap(config.articles.deliveryCacheEntries);
    this.pointers = new LruMap(config.articles.deliveryCacheEntries * POINTERS_PER_ENTRY);
    this.responses = new LruMap(config.articles.deliveryCacheEntries);
    this.missedOnce = new LruMap(config.articles.deliveryCacheEntries * MISSES_REMEMBERED_PER_ENTRY);
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
   * The cached value, or `load(stored)`'s result, stored when listening and admitted (`stored`: a content entry on
   * its second miss, a pointer always; the loader may then read more than its caller shows, for later readers).
   * `articleId` (or a function of the value giving it): the entry is dropped when that article changes; null: when
   * any article changes.
   */
  async get<T>(
    key: string,
    articleId: string | null | ((value: T) => string | null),
    load: (stored: boolean) => Promise<T>,
    kind: CacheEntryKind = 'content',
  ): Promise<T> {
    const map = kind === 'content' ? this.values : this.pointers;
    if (this.listening) {
      const hit = map.get(key);
      if (hit) return hit.value as T;
    }
    const generation = this.generation;
    const stored = this.listening && (kind === 'pointer' || this.admits(key));
    const value = await load(stored);
    if (stored && generation === this.generation && value !== null && value !== undefined) {
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

  /** Kept on the key's second miss, and only if nothing was invalidated since `generation` was read (when the request started). */
  storeResponse(key: string, payload: string, generation: number): void {
    if (this.listening && generation === this.generation && this.admits(key)) this.responses.set(key, payload);
  }

  /** True on a key's second miss within the doorkeeper's memory; the first one is remembered. */
  private admits(key: string): boolean {
    if (this.missedOnce.get(key)) return true;
    this.missedOnce.set(key, true);
    return false;
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
      this.missedOnce.clear();
      return;
    }
    const stale = (_key: string, entry: { articleId: string | null }): boolean => entry.articleId === null || entry.articleId === articleId;
    this.values.deleteWhere(stale);
    this.pointers.deleteWhere(stale);
  }
}
