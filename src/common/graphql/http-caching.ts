import { FastifyInstance, FastifyRequest } from 'fastify';
import { entityTagOf, isNotModified } from '../http/conditional-request';
import { isResponseUncacheable } from './uncacheable-response';

export interface GraphqlCachingOptions {
  /** The public (delivery) GraphQL path; anonymous GET queries there may be cached by browsers and CDNs. */
  publicPath: string;
  maxAgeSeconds: number;
  staleWhileRevalidateSeconds: number;
  /**
   * Request headers (lower case) that make a response personal, like Authorization: with one of them a response
   * is `private, no-store` and gets no ETag (the delivery API's X-Preview-Token). Listed in Vary otherwise.
   */
  privateHeaders?: readonly string[];
}

function isPublicRead(method: string, url: string, publicPath: string, authorization: string | undefined): boolean {
  return method === 'GET' && url.split('?')[0] === publicPath && !authorization;
}

function hasAny(headers: FastifyRequest['headers'], names: readonly string[]): boolean {
  return names.some((name) => headers[name] !== undefined);
}

/**
 * Adds names to a Vary header without dropping what is there: CORS sets `Vary: Origin`, and a shared cache that
 * lost it would hand one origin's Access-Control-Allow-Origin (or its absence) to another origin.
 */
function mergeVary(current: unknown, names: readonly string[]): string {
  const existing = (Array.isArray(current) ? current.join(',') : typeof current === 'string' ? current : '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const merged = [...existing];
  for (const name of names) if (!merged.some((present) => present.toLowerCase() === name.toLowerCase())) merged.push(name);
  return merged.join(', ');
}

/**
 * HTTP caching for GraphQL. Anonymous GET queries on the delivery endpoint that succeed get a short public
 * max-age and a strong ETag (answering If-None-Match with 304); everything else — POST, tokens, errors, responses a
 * resolver marked uncacheable, the admin API — is `no-store`.
 */
export function registerGraphqlHttpCaching(fastify: FastifyInstance, options: GraphqlCachingOptions): void {
  fastify.addHook('onSend', async (request, reply, payload) => {
    const path = request.url.split('?')[0];
    if (!path.endsWith('/graphql')) return payload;
    const privateHeaders = options.privateHeaders ?? [];
    if (hasAny(request.headers, privateHeaders)) {
      reply.header('cache-control', 'private, no-store');
      return payload;
    }
    const cacheable =
      isPublicRead(request.method, request.url, options.publicPath, request.headers.authorization) &&
      reply.statusCode === 200 &&
      typeof payload === 'string' &&
      !payload.includes('"errors":') &&
      !isResponseUncacheable(request);
    if (!cacheable) {
      reply.header('cache-control', 'no-store');
      return payload;
    }
    const etag = entityTagOf(payload);
    reply.header('etag', etag);
    reply.header('cache-control', `public, max-age=${options.maxAgeSeconds}, stale-while-revalidate=${options.staleWhileRevalidateSeconds}`);
    // A CDN must not answer a request with another key's (or no key's) cached response: keys may be required.
    reply.header('vary', mergeVary(reply.getHeader('vary'), ['Authorization', 'X-Api-Key', ...privateHeaders]));
    // RFC 9110 §13.1.2 (`*`, lists, weak comparison; a malformed header is no match): 304 with the headers above, no body.
    if (isNotModified(request.headers['if-none-match'], etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  });
}
