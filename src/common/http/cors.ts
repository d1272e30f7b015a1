import fastifyCors from '@fastify/cors';
import { FastifyInstance } from 'fastify';

const ORIGIN_PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?$/i;
const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One CORS_ORIGINS entry as a matcher of the `Origin` header: `*` (any origin), an exact origin
 * (`https://help.example.com`), a subdomain pattern (`https://*.example.com`: one or more labels
 * before example.com, not example.com itself) or any port (`http://localhost:*`). Null when invalid.
 */
export function parseCorsOrigin(entry: string): RegExp | null {
  if (entry === '*') return /^.*$/;
  const match = ORIGIN_PATTERN.exec(entry);
  if (!match) return null;
  const [, scheme, wildcard, host, port] = match;
  if (port !== undefined && port !== '*' && Number(port) > 65535) return null;
  const portPart = port === '*' ? '(?::\\d{1,5})?' : port === undefined || port === DEFAULT_PORTS[scheme.toLowerCase()] ? '' : `:${port}`;
  const hostPart = `${wildcard ? '(?:[a-z0-9-]+\\.)+' : ''}${escapeRegExp(host)}`;
  return new RegExp(`^${escapeRegExp(scheme)}://${hostPart}${portPart}$`, 'i');
}

/** Whether a request's `Origin` is one of the allowed origins. */
export function corsOriginMatcher(origins: readonly string[]): (origin: string) => boolean {
  const patterns = origins.map(parseCorsOrigin).filter((pattern): pattern is RegExp => pattern !== null);
  return (origin) => patterns.some((pattern) => pattern.test(origin));
}

/**
 * CORS for every route (both GraphQL endpoints, /health, /sitemap.xml): preflights answered, allowed
 * origins echoed back, never credentials (both APIs authenticate with a bearer header, not cookies).
 * A refused origin gets no Access-Control-Allow-Origin, so the browser withholds the answer.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  const allowed = corsOriginMatcher(origins);
  await app.register(fastifyCors, {
    origin: (origin, callback) => callback(null, origin !== undefined && allowed(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    credentials: false,
    // Rate-limit state (docs/front-end.md) is readable by browser front ends too.
    exposedHeaders: ['x-request-id', 'x-preview', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'],
    maxAge: 600,
    strictPreflight: false,
  });
}
