import { FastifyInstance, FastifyRequest } from 'fastify';
import { parse } from 'graphql';
import { LruMap } from '../lru-map';
import { checkOperationSelection, operationNamesOf, requestRefused } from './request-checks';

export const GRAPHQL_RESPONSE_MEDIA_TYPE = 'application/graphql-response+json';

const GRAPHQL_BODY_TYPES = new Set(['application/json', 'application/graphql']);

/**
 * The media type to answer with, from the request's Accept header (GraphQL over HTTP):
 * `application/graphql-response+json` when the client names it at least as preferred as
 * `application/json`, otherwise `application/json` (also without an Accept header).
 */
export function negotiateGraphqlMediaType(accept: string | undefined): typeof GRAPHQL_RESPONSE_MEDIA_TYPE | 'application/json' {
  if (!accept) return 'application/json';
  let graphqlQ = -1;
  let jsonQ = -1;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (Number.isNaN(q)) continue;
    if (type.trim() === GRAPHQL_RESPONSE_MEDIA_TYPE) graphqlQ = Math.max(graphqlQ, q);
    if (type.trim() === 'application/json') jsonQ = Math.max(jsonQ, q);
  }
  return graphqlQ > 0 && graphqlQ >= jsonQ ? GRAPHQL_RESPONSE_MEDIA_TYPE : 'application/json';
}

interface GraphqlHttpOptions {
  /** The GraphQL route inside this scope, e.g. `/admin/graphql`. */
  path: string;
  maxTokens: number;
}

/**
 * GraphQL-over-HTTP details Mercurius leaves out, registered in one schema's Fastify scope:
 * `"extensions": null` is accepted like an absent one, GET requests must select exactly one
 * operation (Mercurius would fail on them internally), and answers use the media type the
 * client asked for; HEAD, and POST bodies other than JSON, are refused.
 */
export function registerGraphqlOverHttp(scope: FastifyInstance, options: GraphqlHttpOptions): void {
  const operationNames = new LruMap<string, string[] | null>(500);

  const isGraphqlRoute = (request: FastifyRequest): boolean => request.url.split('?')[0] === options.path;

  // Fastify answers HEAD through a GET route's handler: a HEAD request would run the operation (mutations too,
  // since Mercurius refuses those only for GET) with its answer thrown away, past checks made for GET.
  scope.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'HEAD' || !isGraphqlRoute(request)) return;
    return reply
      .code(405)
      .header('allow', 'GET, POST')
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ errors: [{ message: 'GraphQL is served over GET and POST only', extensions: { code: 'METHOD_NOT_ALLOWED' } }] }));
  });

  // Only JSON bodies (and Mercurius' application/graphql, which needs a CORS preflight too): the form and multipart parsers registered for other routes would otherwise hand Mercurius a
  // cross-site HTML form's fields (a "simple" request, sent without a CORS preflight) as a GraphQL request.
  scope.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || !isGraphqlRoute(request)) return;
    const contentType = request.headers['content-type'];
    if (contentType === undefined || GRAPHQL_BODY_TYPES.has(mediaTypeOf(contentType))) return;
    return reply
      .code(415)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ errors: [{ message: 'Send the GraphQL request as application/json', extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] }));
  });

  // An absent, null or empty extensions / operationName all mean "none".
  scope.addHook('preValidation', async (request) => {
    if (!isGraphqlRoute(request)) return;
    const params = (request.method === 'GET' ? request.query : request.body) as Record<string, unknown> | null | undefined;
    if (!params || typeof params !== 'object' || Array.isArray(params)) return;
    if (params.extensions === null || params.extensions === 'null') delete params.extensions;
    if (params.operationName === '') delete params.operationName;
  });

  scope.addHook('preHandler', async (request) => {
    if (request.method !== 'GET' || !isGraphqlRoute(request)) return;
    const { query: source, operationName } = (request.query ?? {}) as Record<string, unknown>;
    if (typeof source !== 'string') return;
    let names = operationNames.get(source);
    if (names === undefined) {
      try {
        names = operationNamesOf(parse(source, { maxTokens: options.maxTokens, noLocation: true }));
      } catch {
        names = null; // Mercurius reports the syntax error.
      }
      operationNames.set(source, names);
    }
    if (names === null) return;
    const errors = checkOperationSelection(names, operationName);
    if (errors.length > 0) throw requestRefused(errors);
  });

  scope.addHook('onSend', async (request, reply, payload) => {
    if (!isGraphqlRoute(request)) return payload;
    if (negotiateGraphqlMediaType(request.headers.accept) === GRAPHQL_RESPONSE_MEDIA_TYPE) {
      reply.header('content-type', `${GRAPHQL_RESPONSE_MEDIA_TYPE}; charset=utf-8`);
    }
    return payload;
  });
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}
