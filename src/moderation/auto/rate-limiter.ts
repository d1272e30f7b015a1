import { EntityManager } from 'typeorm';
import { RateLimitedError } from '../../common/errors/app-error';

/**
 * Takes one slot of a member's fixed window (`post:<id>`, `flag:<id>`), or throws RATE_LIMITED with the
 * seconds until the window ends. One `INSERT … ON CONFLICT DO UPDATE … WHERE used < limit` under the row's
 * lock (the pattern of the login throttle): however many requests arrive at once, at most `limit` pass per
 * window. Run inside the writing transaction, a rolled-back write gives its slot back.
 */
export async function takeRateSlot(tx: EntityManager, key: string, limit: number, windowSeconds: number, what: string): Promise<void> {
  const rows: unknown[] = await tx.query(
    `INSERT INTO moderation_rate_counters AS c (counter_key, window_started_at, used) VALUES ($1, now(), 1)
     ON CONFLICT (counter_key) DO UPDATE SET
       window_started_at = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2) THEN now() ELSE c.window_started_at END,
       used = CASE WHEN c.window_started_at <= now() - make_interval(secs => $2) THEN 1 ELSE c.used + 1 END
     WHERE c.window_started_at <= now() - make_interval(secs => $2) OR c.used < $3
     RETURNING 1`,
    [key, windowSeconds, limit],
  );
  if (rows.length > 0) return;
  // The window may have been opened by a transaction that began after this one: measure from the wall clock.
  const [{ seconds }]: { seconds: number | null }[] = await tx.query(
    `SELECT ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - clock_timestamp()))::int AS seconds FROM moderation_rate_counters WHERE counter_key = $1`,
    [key, windowSeconds],
  );
  throw RateLimitedError.untilWindowEnds(`Too many ${what}; try again later`, seconds, windowSeconds);
}

/** RATE_LIMITED when `key`'s current window is full, without taking a slot or locking the row (a pre-check; `takeRateSlot` decides). */
export async function assertRateSlotFree(executor: EntityManager, key: string, limit: number, windowSeconds: number, what: string): Promise<void> {
  const [row]: { seconds: number }[] = await executor.query(
    `SELECT ceil(extract(epoch FROM window_started_at + make_interval(secs => $2) - clock_timestamp()))::int AS seconds
       FROM moderation_rate_counters WHERE counter_key = $1 AND used >= $3 AND window_started_at > clock_timestamp() - make_interval(secs => $2)`,
    [key, windowSeconds, limit],
  );
  if (row) throw RateLimitedError.untilWindowEnds(`Too many ${what}; try again later`, row.seconds, windowSeconds);
}
