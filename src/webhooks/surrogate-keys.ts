import { FastifyInstance, FastifyRequest } from 'fastify';
import { LruMap } from '../common/lru-map';
import { ARTICLE_LISTS_SURROGATE_KEY, articleKey, categoryKey, GLOBAL_SURROGATE_KEY, THREAD_LISTS_SURROGATE_KEY, threadKey } from './webhook-events';
import { isResponseUncacheable } from '../common/graphql/uncacheable-response';

type Kind = 'article' | 'category' | 'thread';

/** Fields whose objects are articles, categories or threads (delivery schema). */
const FIELD_KINDS: Record<string, Kind> = {
  article: 'article',
  articles: 'article',
  related: 'article',
  category: 'category',
  categories: 'category',
  children: 'category',
  breadcrumbs: 'category',
  thread: 'thread',
  threads: 'thread',
};

/** Root fields whose answer changes when the set of public articles or threads changes (membership, counts, order). */
const LIST_ROOTS: Record<string, readonly string[]> = {
  articles: [ARTICLE_LISTS_SURROGATE_KEY],
  sitemap: [ARTICLE_LISTS_SURROGATE_KEY],
  categories: [ARTICLE_LISTS_SURROGATE_KEY],
  category: [ARTICLE_LISTS_SURROGATE_KEY],
  threads: [THREAD_LISTS_SURROGATE_KEY],
  threadSitemap: [THREAD_LISTS_SURROGATE_KEY],
  board: [THREAD_LISTS_SURROGATE_KEY],
  boards: [THREAD_LISTS_SURROGATE_KEY],
  search: [ARTICLE_LISTS_SURROGATE_KEY, THREAD_LISTS_SURROGATE_KEY],
  suggestArticles: [ARTICLE_LISTS_SURROGATE_KEY, THREAD_LISTS_SURROGATE_KEY],
};

/** Above this many bytes per header, item keys are dropped: list responses also carry their list key, which every change of an item purges. */
const MAX_HEADER_BYTES = 8000;

const KEY_OF: Record<Kind, (id: string) => string> = { article: articleKey, category: categoryKey, thread: threadKey };
const LIST_OF: Record<Kind, string | null> = { article: ARTICLE_LISTS_SURROGATE_KEY, category: null, thread: THREAD_LISTS_SURROGATE_KEY };

function walk(value: unknown, kind: Kind | null, keys: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, kind, keys);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const object = value as Record<string, unknown>;
  if (kind) {
    if (typeof object.id === 'string') keys.add(KEY_OF[kind](object.id));
    else {
      // Without its id the item cannot be named: the response is purged with every change of its kind.
      const list = LIST_OF[kind];
      if (list && !('edges' in object)) keys.add(list);
    }
  }
  if (typeof object.categoryId === 'string') keys.add(categoryKey(object.categoryId));
  for (const [field, child] of Object.entries(object)) {
    if (child === null || typeof child !== 'object') continue;
    walk(child, FIELD_KINDS[field] ?? (field === 'edges' || field === 'node' || field === 'nodes' ? kind : null), keys);
  }
}

/**
 * The surrogate keys of a delivery GraphQL answer, from what it contains (docs/webhooks.md, "Purging
 * behind a CDN"): the global key, a key per article, category and thread in it, and a list key for answers
 * whose membership changes when content is published or removed. Outgoing webhook events name the keys
 * to purge in `purge.surrogateKeys`. Root fields are read by name (aliases are not resolved: an aliased
 * root field gets both list keys).
 */
export function surrogateKeysOf(data: Record<string, unknown>): string[] {
  const keys = new Set<string>([GLOBAL_SURROGATE_KEY]);
  for (const [root, value] of Object.entries(data)) {
    if (root === '__typename') continue;
    const known = root in LIST_ROOTS || root in FIELD_KINDS;
    for (const key of known ? (LIST_ROOTS[root] ?? []) : [ARTICLE_LISTS_SURROGATE_KEY, THREAD_LISTS_SURROGATE_KEY]) keys.add(key);
    walk(value, FIELD_KINDS[root] ?? null, keys);
  }
  return [...keys];
}

/** `Surrogate-Key` (Fastly, space-separated) and `Cache-Tag` (Cloudflare, Akamai: comma-separated) values. */
export function surrogateKeyHeaders(keys: readonly string[]): { surrogateKey: string; cacheTag: string } {
  let kept = [...keys];
  if (kept.join(' ').length > MAX_HEADER_BYTES) kept = kept.filter((key) => !key.includes(':'));
  return { surrogateKey: kept.join(' '), cacheTag: kept.join(',') };
}

/** Recent answers and documents: a response-cache hit is the same string again, so its keys are not recomputed (measured ≈ 30–100 µs per answer). */
const MEMO_ENTRIES = 200;
const MEMO_MAX_PAYLOAD = 32_768;

function headersOf(payload: string, memo: LruMap<string, { surrogateKey: string; cacheTag: string } | null>): { surrogateKey: string; cacheTag: string } | null {
  const known = memo.get(payload);
  if (known !== undefined) return known;
  let headers: { surrogateKey: string; cacheTag: string } | null = null;
  try {
    const body = JSON.parse(payload) as { data?: Record<string, unknown> | null };
    if (body.data) headers = surrogateKeyHeaders(surrogateKeysOf(body.data));
  } catch {
    headers = null;
  }
  if (payload.length <= MEMO_MAX_PAYLOAD) memo.set(payload, headers);
  return headers;
}

/**
 * Adds `Surrogate-Key` and `Cache-Tag` to anonymous, successful delivery queries sent as GET (the
 * cacheable ones; a GET can only run a query) and to the sitemaps (`/sitemap.xml`, `/sitemap-community.xml`). Registered before the ETag hook, so a 304 carries them too.
 */
export function registerSurrogateKeys(fastify: FastifyInstance, publicPath: string): void {
  const sitemaps = new Map([
    ['/sitemap.xml', surrogateKeyHeaders([GLOBAL_SURROGATE_KEY, ARTICLE_LISTS_SURROGATE_KEY])],
    ['/sitemap-community.xml', surrogateKeyHeaders([GLOBAL_SURROGATE_KEY, THREAD_LISTS_SURROGATE_KEY])],
  ]);
  const memo = new LruMap<string, { surrogateKey: string; cacheTag: string } | null>(MEMO_ENTRIES);
  fastify.addHook('onSend', async (request, reply, payload) => {
    // Answers kept out of every cache (e.g. a null `article` for an unknown slug) name nothing to purge. A sitemap's
    // 304 (its controller answers If-None-Match) keeps them, as a 304 keeps every cache header of the 200.
    if ((reply.statusCode !== 200 && reply.statusCode !== 304) || request.headers.authorization || isResponseUncacheable(request)) return payload;
    const path = request.url.split('?')[0];
    let headers: { surrogateKey: string; cacheTag: string } | null = null;
    const sitemap = request.method === 'GET' || request.method === 'HEAD' ? sitemaps.get(path) : undefined;
    if (sitemap) headers = sitemap;
    // Only GET answers are cacheable (POST answers are `no-store`): computing keys for them would be pure cost.
    else if (reply.statusCode === 200 && path === publicPath && request.method === 'GET' && typeof payload === 'string' && !payload.includes('"errors":')) {
      headers = headersOf(payload, memo);
    }
    if (headers) {
      reply.header('surrogate-key', headers.surrogateKey);
      reply.header('cache-tag', headers.cacheTag);
    }
    return payload;
  });
}
