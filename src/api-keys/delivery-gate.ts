import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config';
import { DeliveryApiKeysService } from './delivery-api-keys.service';
import { rateLimitHeaders } from './rate-limit/rate-limit-headers';
import { RateLimitDecision } from './rate-limit/rate-limit-store';
import { DeliveryRateLimiter, RateLimitSubject } from './rate-limit/delivery-rate-limiter';

/** The header front ends send their key in; `Authorization` stays for members' tokens. */
export const API_KEY_HEADER = 'x-api-key';

export interface DeliveryGateOptions {
  /** The delivery GraphQL path (`/graphql`). */
  path: string;
  keys: DeliveryApiKeysService;
  limiter: DeliveryRateLimiter;
  config: AppConfig['deliveryAccess'];
}

/**
 * The delivery API's front door, before the body is parsed: the API key (`X-Api-Key`) is checked according to
 * `DELIVERY_API_KEYS`, then the request is counted against its key's limit, or its client address's limit when it
 * has no key (the address Fastify reports: with `TRUST_PROXY`, the one in X-Forwarded-For). Every counted answer
 * carries the RateLimit-* headers; an excess is answered 429 with `Retry-After` and a RATE_LIMITED GraphQL error.
 * WebSocket upgrades pass (browsers cannot send headers with them). The admin API is not limited here (staff only, signed in; sign-in itself is throttled).
 */
export function registerDeliveryGate(fastify: FastifyInstance, options: DeliveryGateOptions): void {
  const { config, keys, limiter } = options;
  fastify.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'POST') || request.url.split('?')[0] !== options.path) return;
    // Subscriptions (WebSocket upgrades): browsers cannot set headers on them; each subscription is authorized on its own.
    if (request.headers.upgrade) return;
    const byAddress: RateLimitSubject = { key: `ip:${request.ip}`, limit: config.perIp };
    let subject = byAddress;
    if (config.apiKeys !== 'off') {
      const presented = apiKeyOf(request);
      if (presented === null && config.apiKeys === 'required') {
        return refuse(reply, 401, 'This API needs an API key: send it as "X-Api-Key: <key>"', { code: 'UNAUTHENTICATED', reason: 'API_KEY_REQUIRED' });
      }
      if (presented !== null) {
        let identity = keys.peek(presented);
        if (identity === undefined) {
          // A lookup costs a query: an uncached key counts against the address first, so a stream of random
          // keys is limited like keyless requests instead of reaching the database each time.
          const decision = await limiter.hit(byAddress);
          if (decision && !decision.allowed) return tooMany(reply, decision, limiter.windowSeconds);
          try {
            identity = await keys.authenticate(presented);
          } catch (error) {
            // The database is unreachable: the key cannot be checked (the same answer as any request needing it then).
            request.log.error({ err: error }, 'Could not look up a delivery API key');
            return refuse(reply, 500, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR' });
          }
        }
        if (typeof identity === 'string') return refuse(reply, 401, identity, { code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' });
        subject = { key: `key:${identity.id}`, limit: identity.rateLimit ?? config.perKey };
      }
    }
    const decision = await limiter.hit(subject);
    if (!decision) return;
    if (!decision.allowed) return tooMany(reply, decision, limiter.windowSeconds);
    reply.headers(rateLimitHeaders(decision, limiter.windowSeconds));
  });
}

function tooMany(reply: FastifyReply, decision: RateLimitDecision, windowSeconds: number): FastifyReply {
  reply.headers(rateLimitHeaders(decision, windowSeconds));
  return refuse(reply, 429, `Too many requests; try again in ${decision.resetSeconds} s`, {
    code: 'RATE_LIMITED',
    retryAfterSeconds: decision.resetSeconds,
  });
}

/** The key of the request, or null; an empty or repeated header counts as a (wrong) key, not as none. */
function apiKeyOf(request: FastifyRequest): string | null {
  const value = request.headers[API_KEY_HEADER];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(',') : value.trim();
}

function refuse(reply: FastifyReply, status: number, message: string, extensions: Record<string, unknown>): FastifyReply {
  return reply.code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ errors: [{ message, extensions }] }));
}
