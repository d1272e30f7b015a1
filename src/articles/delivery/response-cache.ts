import { createHash } from 'node:crypto';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { getOperationAST, Kind, parse } from 'graphql';
import { hasPreviewToken } from '../preview/preview-http';
import { isResponseUncacheable } from '../../common/graphql/uncacheable-response';
import { LruMap } from '../../common/lru-map';
import { DeliveryCache } from './delivery-cache';

const CACHED_GENERATION = Symbol('responseCacheGeneration');
const RESPONSE_KEY = Symbol('responseCacheKey');
/** Documents whose cacheability is remembered; longer ones are parsed on every request (not kept in memory). */
const DECIDED_DOCUMENTS = 500;
const MAX_DECIDED_LENGTH = 10_000;
const SERVED_FROM_CACHE = Symbol('servedFromResponseCache');

interface GraphqlBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

type TaggedRequest = FastifyRequest & { [CACHED_GENERATION]?: number; [RESPONSE_KEY]?: string; [SERVED_FROM_CACHE]?: boolean };

function graphqlBody(request: FastifyRequest): GraphqlBody | null {
  const source = request.method === 'GET' ? request.query : request.body;
  if (!source || typeof source !== 'object') return null;
  const body = source as GraphqlBody;
  if (typeof body.query !== 'string') return null;
  if (request.method === 'GET' && typeof body.variables === 'string') {
    try {
      return { ...body, variables: JSON.parse(body.variables) as unknown };
    } catch {
      return null;
    }
  }
  return body;
}

/** Null for variables JSON cannot write back (nested past the stack): such a request is refused later, never cached. */
function keyOf(body: GraphqlBody): string | null {
  let text: string;
  try {
    text = JSON.stringify([body.query, body.variables ?? null, body.operationName ?? null]);
  } catch {
    return null;
  }
  return createHash('sha1').update(text).digest('base64url');
}

/** A query whose root fields all read published content (not search: it logs each call and depends on the index). */
function isCacheableQuery(body: GraphqlBody, cacheableFields: ReadonlySet<string>, maxTokens: number): boolean {
  try {
    // Within the token limit: a longer document is refused anyway, and parsing all of it would cost its full size.
    const document = parse(body.query as string, { maxTokens, noLocation: true });
    const operation = getOperationAST(document, typeof body.operationName === 'string' ? body.operationName : undefined);
    return (
      operation?.operation === 'query' &&
      operation.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && cacheableFields.has(selection.name.value))
    );
  } catch {
    return false;
  }
}

/**
 * Whole-response cache for anonymous reads of the delivery API: the same query with the same variables
 * gets the same JSON until published content changes (any NOTIFY of DeliveryCache empties it). Only
 * successful queries of `cacheableFields` are stored; mutations, other queries (search), tokens (member and
 * preview) and errors always execute.
 */
export function registerDeliveryResponseCache(
  fastify: FastifyInstance,
  cache: DeliveryCache,
  path: string,
  cacheableFields: ReadonlySet<string>,
  maxTokens: number,
): void {
  // Whether a document is cacheable depends on its text only: decided once per document (a parse), not on every
  // request. Other queries (the forum's, search) then cost the cache nothing: no body hash, no lookup that must miss,
  // no second parse when the response is sent (bench/results/forum.md: "caches on" ran slower than "off").
  const decisions = new LruMap<string, boolean>(DECIDED_DOCUMENTS);
  const cacheable = (body: GraphqlBody): boolean => {
    const key = `${typeof body.operationName === 'string' ? body.operationName : ''}\u0000${body.query as string}`;
    if (key.length > MAX_DECIDED_LENGTH) return isCacheableQuery(body, cacheableFields, maxTokens);
    let decision = decisions.get(key);
    if (decision === undefined) {
      decision = isCacheableQuery(body, cacheableFields, maxTokens);
      decisions.set(key, decision);
    }
    return decision;
  };

  fastify.addHook('preHandler', async (request, reply) => {
    // A preview token may serve drafts: such a request neither reads nor fills the cache.
    if (!cache.isActive || request.headers.authorization || hasPreviewToken(request) || request.url.split('?')[0] !== path) return;
    const body = graphqlBody(request);
    if (!body || !cacheable(body)) return;
    const key = keyOf(body);
    if (key === null) return;
    const tagged = request as TaggedRequest;
    tagged[CACHED_GENERATION] = cache.currentGeneration;
    tagged[RESPONSE_KEY] = key;
    const hit = cache.response(key);
    if (hit !== undefined) {
      tagged[SERVED_FROM_CACHE] = true;
      await reply.header('content-type', 'application/json; charset=utf-8').header('x-cache', 'HIT').send(hit);
    }
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const tagged = request as TaggedRequest;
    const generation = tagged[CACHED_GENERATION];
    const key = tagged[RESPONSE_KEY];
    // Tagged in preHandler only when the document is cacheable.
    if (generation === undefined || key === undefined || tagged[SERVED_FROM_CACHE] || reply.statusCode !== 200 || typeof payload !== 'string') return payload;
    if (payload.includes('"errors":') || isResponseUncacheable(request)) return payload;
    cache.storeResponse(key, payload, generation);
    return payload;
  });
}
