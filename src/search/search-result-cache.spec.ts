import type { SearchPage, SearchQuery } from '../../search/search-engine';
import type { ChangeNotifications, ChangeSubscriber } from '../common/notifications/change-notifications.service';
import { AppConfig } from '../config/app-config';
import { cacheKey, SEARCH_INDEXED_CHANNEL, SearchResultCache } from './search-result-cache';

const query: SearchQuery = {
  text: 'reset password',
  audience: 'public',
  filters: { locales: ['en'] },
  facets: ['category'],
  offset: 0,
  limit: 10,
  matching: 'all',
  highlight: { preTag: '<mark>', postTag: '</mark>' },
};

describe('search result cache key', () => {
  it('ignores case and spacing of the text', () => {
    expect(cacheKey({ ...query, text: '  Reset   PASSWORD ' })).toBe(cacheKey(query));
  });

  it('tells apart everything else that changes the answer', () => {
    const variants: SearchQuery[] = [
      { ...query, text: 'reset passwords' },
      { ...query, audience: 'staff' },
      { ...query, filters: { locales: ['de'] } },
      { ...query, facets: ['tag'] },
      { ...query, offset: 10 },
      { ...query, limit: 20 },
      { ...query, matching: 'any' },
      { ...query, highlight: { preTag: '<b>', postTag: '</b>' } },
    ];
    const keys = new Set(variants.map(cacheKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(cacheKey(query))).toBe(false);
  });
});

/** Stands in for the PostgreSQL LISTEN connection: delivers notifications and listener state by hand. */
class ListenerStandIn {
  private subscriber: ChangeSubscriber | null = null;

  subscribe(channel: string, subscriber: ChangeSubscriber): void {
    expect(channel).toBe(SEARCH_INDEXED_CHANNEL);
    this.subscriber = subscriber;
  }

  notify(): void {
    this.subscriber?.onNotification('');
  }

  setListening(listening: boolean): void {
    this.subscriber?.onListeningChanged(listening);
  }
}

function page(label: string): SearchPage {
  return { total: 1, totalIsEstimate: false, hits: [{ label }], facets: {} } as unknown as SearchPage;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('search result cache generations', () => {
  let listener: ListenerStandIn;
  let cache: SearchResultCache;
  let engineCalls: number;
  const engine = (label: string) => async (): Promise<SearchPage> => {
    engineCalls += 1;
    return page(label);
  };

  beforeEach(() => {
    listener = new ListenerStandIn();
    cache = new SearchResultCache({ search: { cacheEntries: 10 } } as AppConfig, listener as unknown as ChangeNotifications);
    engineCalls = 0;
    listener.setListening(true);
  });

  it('answers a repeated search from the cache while the listener is up', async () => {
    expect(await cache.get(query, engine('first'))).toEqual(page('first'));
    expect(await cache.get({ ...query, text: 'RESET  password' }, engine('second'))).toEqual(page('first'));
    expect(engineCalls).toBe(1);
  });

  it('does not store a page its caller marks provisional (a search that should have been reranked)', async () => {
    const provisional = page('engine order');
    expect(await cache.get(query, async () => provisional, (found) => found !== provisional)).toBe(provisional);
    expect(await cache.get(query, engine('reranked'))).toEqual(page('reranked'));
    expect(await cache.get(query, engine('not needed'))).toEqual(page('reranked'));
  });

  it('empties on an index change notification', async () => {
    await cache.get(query, engine('before'));
    listener.notify();
    expect(await cache.get(query, engine('after'))).toEqual(page('after'));
    expect(await cache.get(query, engine('later'))).toEqual(page('after'));
    expect(engineCalls).toBe(2);
  });

  it('empties on invalidate()', async () => {
    await cache.get(query, engine('before'));
    cache.invalidate();
    expect(await cache.get(query, engine('after'))).toEqual(page('after'));
  });

  it('does not store a search that overlapped an index change', async () => {
    const slow = deferred<SearchPage>();
    const overlapping = cache.get(query, () => slow.promise);
    listener.notify();
    slow.resolve(page('read before the change'));
    expect(await overlapping).toEqual(page('read before the change'));
    expect(await cache.get(query, engine('fresh'))).toEqual(page('fresh'));
    expect(await cache.get(query, engine('not needed'))).toEqual(page('fresh'));
  });

  it('caches nothing while the listener is down, and drops what it had when it goes down', async () => {
    await cache.get(query, engine('while up'));
    listener.setListening(false);
    expect(await cache.get(query, engine('down 1'))).toEqual(page('down 1'));
    expect(await cache.get(query, engine('down 2'))).toEqual(page('down 2'));

    listener.setListening(true);
    expect(await cache.get(query, engine('up again'))).toEqual(page('up again'));
    expect(await cache.get(query, engine('not needed'))).toEqual(page('up again'));
  });

  it('does not store a search that started before the listener went down and ended after it came back', async () => {
    const slow = deferred<SearchPage>();
    const overlapping = cache.get(query, () => slow.promise);
    listener.setListening(false);
    listener.setListening(true);
    slow.resolve(page('across the gap'));
    await overlapping;
    expect(await cache.get(query, engine('fresh'))).toEqual(page('fresh'));
  });

  it('caches nothing before the listener is first up', async () => {
    const unstarted = new SearchResultCache({ search: { cacheEntries: 10 } } as AppConfig, new ListenerStandIn() as unknown as ChangeNotifications);
    expect(await unstarted.get(query, engine('one'))).toEqual(page('one'));
    expect(await unstarted.get(query, engine('two'))).toEqual(page('two'));
  });
});
