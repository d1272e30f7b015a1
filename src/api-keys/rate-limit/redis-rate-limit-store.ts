import { Redis } from 'ioredis';
import { decide, RateLimitDecision, RateLimitStore } from './rate-limit-store';

/**
 * INCR and the window's expiry in one script, so the count and its expiry cannot be separated (a crash between
 * INCR and EXPIRE would leave a counter that never resets). Returns the count and the milliseconds left.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

type RedisWithHit = Redis & { evergreenRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Counters shared by every API instance through Redis: one fixed window per key (`<prefix>rl:<key>`), counted by an
 * atomic script. Commands fail fast while Redis is unreachable (no offline queue, short timeout); the caller decides
 * what a failure means (see DeliveryRateLimiter).
 */
export class RedisRateLimitStore implements RateLimitStore {
  readonly name = 'redis';
  private readonly redis: RedisWithHit;

  constructor(url: string, private readonly keyPrefix: string, onError: (error: Error) => void) {
    const redis = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 2000,
      // Keep trying to reconnect, at most every 2 s.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      lazyConnect: false,
    });
    redis.on('error', onError);
    redis.defineCommand('evergreenRateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as RedisWithHit;
  }

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    const [count, ttlMs] = await this.redis.evergreenRateLimitHit(`${this.keyPrefix}rl:${key}`, windowSeconds * 1000);
    return decide(count, limit, ttlMs);
  }

  /** Resolves once connected, or after `timeoutMs` (then requests are counted in memory until it connects). */
  async connected(timeoutMs: number): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        resolve(ready);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    return Promise.resolve();
  }
}
