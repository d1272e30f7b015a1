import { createHash } from 'node:crypto';
import { FastifyInstance, FastifyRequest } from 'fastify';
import { LruMap } from '../lru-map';

/** The answers clients (Apollo Client, urql, graphql-request) recognise, by message and by code. */
export const PERSISTED_QUERY_NOT_FOUND = { message: 'PersistedQueryNotFound', code: 'PERSISTED_QUERY_NOT_FOUND' } as const;
export const PERSISTED_QUERY_NOT_SUPPORTED = { message: 'PersistedQueryNotSupported', code: 'PERSISTED_QUERY_NOT_SUPPORTED' } as const;

const SHA256_HEX = /^[0-9a-f]{64}$/;

interface RefusalError {
  message: string;
  extensions: Record<string, unknown> & { code: string };
}

/** What a request's `extensions.persistedQuery` asks for. */
export type PersistedQueryStep =
  | { kind: 'none' }
  /** Hash only, and the hash is known: run this query. */
  | { kind: 'found'; query: string }
  /** Hash and query that match: run it, and remember it once it ran. */
  | { kind: 'register'; hash: string }
  | { kind: 'refuse'; status: number; error: RefusalError };

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The automatic persisted queries protocol (Apollo's, version 1), as a pure step: `extensions` as the client sent it
 * (a JSON string on GET), the query text if any, and the store's lookup. Hash only and unknown → PersistedQueryNotFound
 * (the client then sends hash and query); a hash that is not the SHA-256 of the query → BAD_USER_INPUT.
 */
export function persistedQueryStep(extensions: unknown, query: unknown, lookup: ((hash: string) => string | undefined) | null): PersistedQueryStep {
  let parsed = extensions;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed) as unknown;
    } catch {
      return { kind: 'none' }; // Mercurius reports the malformed extensions.
    }
  }
  if (!isObject(parsed) || parsed.persistedQuery === undefined || parsed.persistedQuery === null) return { kind: 'none' };
  const persisted = parsed.persistedQuery;
  const hasQuery = typeof query === 'string' && query !== '';
  if (!lookup) {
    // Persisted queries are off: a full query still runs; a hash alone cannot.
    return hasQuery ? { kind: 'none' } : refuse(400, PERSISTED_QUERY_NOT_SUPPORTED.message, { code: PERSISTED_QUERY_NOT_SUPPORTED.code });
  }
  if (!isObject(persisted) || persisted.version !== 1) {
    return refuse(400, 'Only version 1 of automatic persisted queries is supported: {"version": 1, "sha256Hash": "<hex>"}', {
      code: PERSISTED_QUERY_NOT_SUPPORTED.code,
    });
  }
  const hash = typeof persisted.sha256Hash === 'string' ? persisted.sha256Hash.toLowerCase() : null;
  if (hash === null || !SHA256_HEX.test(hash)) {
    return refuse(400, 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the query as 64 hexadecimal digits', {
      code: 'BAD_USER_INPUT',
      reason: 'PERSISTED_QUERY_HASH_INVALID',
    });
  }
  if (!hasQuery) {
    const stored = lookup(hash);
    return stored === undefined ? refuse(200, PERSISTED_QUERY_NOT_FOUND.message, { code: PERSISTED_QUERY_NOT_FOUND.code }) : { kind: 'found', query: stored };
  }
  if (sha256Hex(query) !== hash) {
    return refuse(400, 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query', { code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_HASH_MISMATCH' });
  }
  return { kind: 'register', hash };
}

function refuse(status: number, message: string, extensions: RefusalError['extensions']): PersistedQueryStep {
  return { kind: 'refuse', status, error: { message, extensions } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TO_REGISTER = Symbol('persistedQueryToRegister');
type TaggedRequest = FastifyRequest & { [TO_REGISTER]?: { hash: string; query: string } };

export interface PersistedQueriesOptions {
  /** The GraphQL path served with persisted queries (the delivery API's `/graphql`). */
  path: string;
  /** Queries remembered in this process (least recently used go first); 0: persisted queries off. */
  maxEntries: number;
}

/**
 * Automatic persisted queries on one GraphQL path, before validation: a known hash becomes its query text, so
 * everything after — Mercurius, the query limits (depth, cost, aliases, tokens), operation selection, the response
 * cache, ETag and Cache-Control on GET — sees an ordinary query. A query is remembered only after it was answered
 * with status 200 (it parsed and passed the limits).
 */
export function registerPersistedQueries(fastify: FastifyInstance, options: PersistedQueriesOptions): void {
  const store = new LruMap<string, string>(options.maxEntries);
  const lookup = options.maxEntries > 0 ? (hash: string) => store.get(hash) : null;

  fastify.addHook('preValidation', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'POST') || request.url.split('?')[0] !== options.path) return;
    const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | null | undefined;
    if (!isObject(params) || params.extensions === undefined) return;
    const step = persistedQueryStep(params.extensions, params.query, lookup);
    switch (step.kind) {
      case 'none':
        return;
      case 'found':
        params.query = step.query;
        return;
      case 'register':
        (request as TaggedRequest)[TO_REGISTER] = { hash: step.hash, query: params.query as string };
        return;
      case 'refuse':
        return reply.code(step.status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ errors: [step.error] }));
    }
  });

  fastify.addHook('onSend', async (request, reply, payload) => {
    const pending = (request as TaggedRequest)[TO_REGISTER];
    if (pending && reply.statusCode === 200) store.set(pending.hash, pending.query);
    return payload;
  });
}
