import { Injectable, Logger } from '@nestjs/common';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLError } from 'graphql';
import { AppConfig } from '../config/app-config';
import { RateLimitedError } from '../common/errors/app-error';
import { DeliveryApiKeysService } from './delivery-api-keys.service';
import { rateLimitHeaders } from './rate-limit/rate-limit-headers';
import { RateLimitDecision } from './rate-limit/rate-limit-store';
import { DeliveryRateLimiter, RateLimitSubject } from './rate-limit/delivery-rate-limiter';
import { clientNetwork } from '../common/http/client-network';

/** The header front ends send their key in; `Authorization` stays for members' tokens. */
export const API_KEY_HEADER = 'x-api-key';

/** What the gate decided for one caller: let in (with its rate-limit headers, if counted), or refused. */
export type GateVerdict =
  | { admitted: true; headers?: Record<string, string>; keyed?: boolean }
  | { admitted: false; status: number; message: string; extensions: Record<string, unknown>; headers?: Record<string, string> };

/** Set on a request the gate admitted under a valid API key (its own limit then applies, not the address's). */
const ADMITTED_WITH_KEY = Symbol('admitted with an API key');
type GatedRequest = FastifyRequest & { [ADMITTED_WITH_KEY]?: boolean };

/** What a subscription's context holds of its websocket (WebsocketContext, without depending on GraphQL code). */
interface SubscriptionCaller {
  req: FastifyRequest;
  _connectionInit?: unknown;
}

/**
 * The delivery API's front door. Over HTTP, before the body is parsed: the API key (`X-Api-Key`) is checked
 * according to `DELIVERY_API_KEYS`, then the request is counted against its key's limit, or its client address's
 * limit when it has no key (the address Fastify reports: with `TRUST_PROXY`, the one in X-Forwarded-For). Every
 * counted answer carries the RateLimit-* headers; an excess is answered 429 with `Retry-After` and a RATE_LIMITED
 * GraphQL error. Websockets: browsers cannot send headers with an upgrade, so the upgrade counts against its
 * address only, and each subscription start is checked like a request, with the key from the `connection_init`
 * payload (`{ "x-api-key": "<key>" }`, or under `headers`; else the upgrade's own header). The admin API is not
 * limited here (staff only, signed in; sign-in itself is throttled).
 */
@Injectable()
export class DeliveryGate {
  private readonly logger = new Logger(DeliveryGate.name);

  constructor(
    private readonly config: AppConfig,
    private readonly keys: DeliveryApiKeysService,
    private readonly limiter: DeliveryRateLimiter,
  ) {}

  /** A caller presenting `presented` (null: no key) from address `ip`. */
  async admit(presented: string | null, ip: string): Promise<GateVerdict> {
    const access = this.config.deliveryAccess;
    const byAddress: RateLimitSubject = { key: `ip:${clientNetwork(ip)}`, limit: access.perIp };
    let subject = byAddress;
    if (access.apiKeys !== 'off') {
      if (presented === null && access.apiKeys === 'required') {
        return refusal(401, 'This API needs an API key: send it as "X-Api-Key: <key>"', { code: 'UNAUTHENTICATED', reason: 'API_KEY_REQUIRED' });
      }
      if (presented !== null) {
        let identity = this.keys.peek(presented);
        if (identity === undefined) {
          // A lookup costs a query: an uncached key counts against the address first, so a stream of random
          // keys is limited like keyless requests instead of reaching the database each time.
          const decision = await this.limiter.hit(byAddress);
          if (decision && !decision.allowed) return this.tooMany(decision);
          try {
            identity = await this.keys.authenticate(presented);
          } catch (error) {
            // The database is unreachable: the key cannot be checked (the same answer as any request needing it then).
            this.logger.error({ err: error }, 'Could not look up a delivery API key');
            return refusal(500, 'Internal server error', { code: 'INTERNAL_SERVER_ERROR' });
          }
        }
        if (typeof identity === 'string') return refusal(401, identity, { code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' });
        subject = { key: `key:${identity.id}`, limit: identity.rateLimit ?? access.perKey };
      }
    }
    const verdict = await this.count(subject);
    return verdict.admitted && subject !== byAddress ? { ...verdict, keyed: true } : verdict;
  }

  /**
   * A search (`search`, `suggestArticles`) of an admitted request: without an API key it also counts against the
   * address's search limit, since one search costs the database what many page reads do. RATE_LIMITED beyond it.
   */
  async admitSearch(request: FastifyRequest): Promise<void> {
    if ((request as GatedRequest)[ADMITTED_WITH_KEY]) return;
    const decision = await this.limiter.hit({ key: `search-ip:${clientNetwork(request.ip)}`, limit: this.config.deliveryAccess.searchPerIp });
    if (decision && !decision.allowed) {
      throw new RateLimitedError(`Too many searches from this address; try again in ${decision.resetSeconds} s`, decision.resetSeconds);
    }
  }

  /**
   * The address search analytics count a search's client by (distinct clients make a content gap), or null under an
   * API key: a keyed caller is a server speaking for many visitors from one address, so each of its searches counts
   * as a client of its own, as its key is accountable for what it sends.
   */
  searchClientAddress(request: FastifyRequest): string | null {
    return (request as GatedRequest)[ADMITTED_WITH_KEY] ? null : request.ip;
  }

  /** A websocket upgrade: counted against its address (the key, if any, is checked per subscription). */
  admitUpgrade(ip: string): Promise<GateVerdict> {
    return this.count({ key: `ip:${clientNetwork(ip)}`, limit: this.config.deliveryAccess.perIp });
  }

  /** A delivery subscription that is starting; throws the refusal as a GraphQL error with its code. */
  async admitSubscription(context: SubscriptionCaller): Promise<void> {
    const verdict = await this.admit(subscriptionApiKey(context), context.req.ip);
    if (!verdict.admitted) throw new GraphQLError(verdict.message, { extensions: verdict.extensions });
  }

  private async count(subject: RateLimitSubject): Promise<GateVerdict> {
    const decision = await this.limiter.hit(subject);
    if (!decision) return { admitted: true };
    if (!decision.allowed) return this.tooMany(decision);
    return { admitted: true, headers: rateLimitHeaders(decision, this.limiter.windowSeconds) };
  }

  private tooMany(decision: RateLimitDecision): GateVerdict {
    return {
      ...refusal(429, `Too many requests; try again in ${decision.resetSeconds} s`, { code: 'RATE_LIMITED', retryAfterSeconds: decision.resetSeconds }),
      headers: rateLimitHeaders(decision, this.limiter.windowSeconds),
    };
  }
}

function refusal(status: number, message: string, extensions: Record<string, unknown>): GateVerdict {
  return { admitted: false, status, message, extensions };
}

/** Puts the gate in front of the delivery GraphQL path (`path`, `/graphql`), GET and POST, upgrades included. */
export function registerDeliveryGate(fastify: FastifyInstance, path: string, gate: DeliveryGate): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if ((request.method !== 'GET' && request.method !== 'POST') || request.url.split('?')[0] !== path) return;
    const verdict = request.headers.upgrade ? await gate.admitUpgrade(request.ip) : await gate.admit(apiKeyOf(request), request.ip);
    if (verdict.headers) reply.headers(verdict.headers);
    if (verdict.admitted && verdict.keyed) (request as GatedRequest)[ADMITTED_WITH_KEY] = true;
    if (!verdict.admitted) {
      return reply
        .code(verdict.status)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ errors: [{ message: verdict.message, extensions: verdict.extensions }] }));
    }
  });
}

/** The key of the request, or null; an empty or repeated header counts as a (wrong) key, not as none. */
function apiKeyOf(request: FastifyRequest): string | null {
  const value = request.headers[API_KEY_HEADER];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(',') : value.trim();
}

/**
 * The key a websocket client presented: `x-api-key` in its `connection_init` payload or in the payload's
 * `headers` (Mercurius' convention), else the upgrade request's header; null when none. A value that is not a
 * string counts as a wrong key.
 */
export function subscriptionApiKey(context: SubscriptionCaller): string | null {
  const payload = context._connectionInit;
  for (const holder of [payload, isObject(payload) ? payload.headers : undefined]) {
    if (isObject(holder) && API_KEY_HEADER in holder) {
      const value = holder[API_KEY_HEADER];
      return typeof value === 'string' ? value.trim() : '';
    }
  }
  return apiKeyOf(context.req);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
