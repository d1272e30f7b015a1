/**
 * Whether an error means the database could not serve the request for now, not that the request or the code is
 * wrong: no pooled connection within DB_POOL_ACQUIRE_TIMEOUT_MS (every connection busy, e.g. a small pool shared
 * with background work), the server unreachable, restarting or out of connection slots, or the connection lost.
 * A request that never got a connection wrote nothing; one whose connection was lost had its transaction rolled back
 * (unless the loss came between COMMIT and its answer). Either may be retried; writes are idempotent where it matters
 * (base revisions, one-vote rules).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const { code, message } of causesOf(error)) {
    if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/**
 * Whether PostgreSQL rolled the request's transaction back because a concurrent transaction touched the same rows
 * (40P01 deadlock detected, 40001 serialization failure): nothing was written, and the same request may be sent again.
 */
export function isConcurrencyAbort(error: unknown): boolean {
  return causesOf(error).some(({ code }) => code === '40P01' || code === '40001');
}

/** The error and what it wraps: TypeORM keeps the driver's error as driverError; Error.cause for pg-pool's connection timeout. */
function causesOf(error: unknown): (Error & { code?: unknown })[] {
  const chain: (Error & { code?: unknown })[] = [];
  for (let current = error, depth = 0; current instanceof Error && depth < 4; depth += 1) {
    chain.push(current);
    current = (current as { driverError?: unknown }).driverError ?? current.cause;
  }
  return chain;
}

/**
 * Socket errors of the driver, and PostgreSQL's SQLSTATEs for "not now": 57P01–57P03 (shutting down, crash
 * recovery, cannot connect now), 53300 (too many connections); class 08 (connection exceptions) is tested apart.
 */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300']);

/**
 * pg-pool's and pg's own messages, which carry no code, and PostgreSQL's refusal of new connections to a database an
 * operator closed (ALTER DATABASE … ALLOW_CONNECTIONS false, during maintenance), whose SQLSTATE 55000 is too broad.
 */
const UNAVAILABLE_MESSAGES = [
  /^timeout exceeded when trying to connect$/,
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable$/,
  /^database ".*" is not currently accepting connections$/,
];
