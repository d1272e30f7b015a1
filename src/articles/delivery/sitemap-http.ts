import type { FastifyReply } from 'fastify';
import { entityTagOf, isNotModified } from '../../common/http/conditional-request';

/** The sitemap protocol's limit of URLs per file. */
export const SITEMAP_URLS_PER_FILE = 50_000;
/** The sitemap protocol's limit of sitemaps one index lists: no page past it can ever be listed. */
export const SITEMAP_MAX_PAGES = 50_000;
/** What browsers, CDNs and crawlers may keep a sitemap (or sitemap index) for. */
export const SITEMAP_CACHE_CONTROL = 'public, max-age=300';

/** `1`, `2`, … written the one way (no sign, no leading zero, no exponent or fraction). */
const PAGE = /^[1-9][0-9]{0,4}$/;

/**
 * The `?page=` of a sitemap URL: undefined when absent; null when it is not exactly one whole number from 1 to
 * {@link SITEMAP_MAX_PAGES} (`0`, `-1`, `abc`, `1.5`, `1e3`, `01`, a huge number, an empty value, `page` given twice).
 */
export function parseSitemapPage(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !PAGE.test(value)) return null;
  const page = Number(value);
  return page <= SITEMAP_MAX_PAGES ? page : null;
}

/** How many files `total` URLs take: at least one (an empty sitemap is page 1, an empty urlset). */
export function sitemapFileCount(total: number, urlsPerFile: number): number {
  return Math.max(1, Math.ceil(total / urlsPerFile));
}

/** 400 for a `?page=` that is not a page number, as the other HTTP routes answer bad input. Never cached. */
export async function sendBadSitemapPage(reply: FastifyReply): Promise<void> {
  await reply
    .status(400)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: { code: 'BAD_USER_INPUT', message: `page must be a whole number from 1 to ${SITEMAP_MAX_PAGES}`, field: 'page' } });
}

/** 404 for a page past the last one: a crawler must not take it for a valid, empty sitemap. Not cached (the sitemap may grow). */
export async function sendSitemapPageNotFound(reply: FastifyReply, pages: number): Promise<void> {
  await reply
    .status(404)
    .header('cache-control', 'no-store')
    .header('content-type', 'application/json; charset=utf-8')
    .send({ error: { code: 'NOT_FOUND', message: `No such sitemap page: there ${pages === 1 ? 'is 1 page' : `are ${pages} pages`}`, pages } });
}

/**
 * A sitemap (or index) with its cache headers and a strong ETag; 304 without a body when the request's
 * If-None-Match holds it (common/http/conditional-request.ts).
 */
export async function sendSitemapXml(reply: FastifyReply, ifNoneMatch: string | string[] | undefined, xml: string): Promise<void> {
  const etag = entityTagOf(xml);
  reply.header('content-type', 'application/xml; charset=utf-8').header('cache-control', SITEMAP_CACHE_CONTROL).header('etag', etag);
  if (isNotModified(ifNoneMatch, etag)) {
    await reply.status(304).send();
    return;
  }
  await reply.status(200).send(xml);
}
