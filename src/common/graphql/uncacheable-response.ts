import { FastifyRequest } from 'fastify';

const UNCACHEABLE = Symbol('uncacheableResponse');

type MarkedRequest = FastifyRequest & { [UNCACHEABLE]?: boolean };

/**
 * Keeps this request's response out of every cache (HTTP `no-store`, no whole-response cache entry) although it
 * succeeded: e.g. `article` answering null for a slug nobody published, so made-up slugs cannot fill the caches.
 */
export function markResponseUncacheable(request: FastifyRequest): void {
  (request as MarkedRequest)[UNCACHEABLE] = true;
}

export function isResponseUncacheable(request: FastifyRequest): boolean {
  return (request as MarkedRequest)[UNCACHEABLE] === true;
}
