import { Injectable } from '@nestjs/common';
import type { SearchPage, SearchQuery } from '../../search/search-engine';
import { CacheStats, LruMap } from '../common/lru-map';
import { ChangeNotifications } from '../common/notifications/change-notifications.service';
import { AppConfig } from '../config/app-config';

/** PostgreSQL channel: documents were written to or removed from the search index; delivered at commit. */
export const SEARCH_INDEXED_CHANNEL = 'evergreen_search_indexed';

/**
 * Public search results kept in this process until the index changes. Whoever writes the index (the
 * indexing worker in any process, a reindex) sends a NOTIFY on SEARCH_INDEXED_CHANNEL in the same
 * transaction; every instance then drops all results. Nothing is cached while the LISTEN connection is
 * down, and a search that overlapped an index change is not stored, so a result is never older than the
 * index it came from. Search is already eventually consistent with content (the outbox), so this adds no
 * staleness of its own.
 */
@Injectable()
export class SearchResultCache {
  private readonly pages: LruMap<string, SearchPage>;
  private listening = false;
  private generation = 0;

  constructor(config: AppConfig, notifications: ChangeNotifications) {
    this.pages = new LruMap(config.search.cacheEntries);
    if (config.search.cacheEntries > 0) {
      notifications.subscribe(SEARCH_INDEXED_CHANNEL, {
        onNotification: () => this.invalidate(),
        onListeningChanged: (listening) => {
          this.listening = listening;
          this.invalidate();
        },
      });
    }
  }

  /** The cached page, or `search`'s (kept unless `keep` says it is provisional). */
  async get(query: SearchQuery, search: () => Promise<SearchPage>, keep: (page: SearchPage) => boolean = () => true): Promise<SearchPage> {
    if (!this.listening) return search();
    const key = cacheKey(query);
    const hit = this.pages.get(key);
    if (hit) return hit;
    const generation = this.generation;
    const page = await search();
    if (this.listening && generation === this.generation && keep(page)) this.pages.set(key, page);
    return page;
  }

  stats(): CacheStats {
    return this.pages.stats;
  }

  /** Drops every result (the index or the search settings changed). */
  invalidate(): void {
    this.generation += 1;
    this.pages.clear();
  }
}

/** Queries that differ only in case or spacing share an entry: engines ignore both. */
export function cacheKey(query: SearchQuery): string {
  return JSON.stringify({ ...query, text: query.text.trim().replace(/\s+/gu, ' ').toLowerCase() });
}
