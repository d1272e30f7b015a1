import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { RateLimitDecision, RateLimitStore } from './rate-limit-store';
import { RedisRateLimitStore } from './redis-rate-limit-store';

/** How long start-up waits for Redis before serving (counting in memory until it connects). */
const CONNECT_WAIT_MS = 3_000;
/** At most one warning per this interval while Redis is failing. */
const WARN_EVERY_MS = 30_000;

export interface RateLimitSubject {
  /** `key:<api key id>` or `ip:<client address>`. */
  key: string;
  /** Requests per window; 0: no limit. */
  limit: number;
}

/**
 * Rate limits of the delivery API: per instance in memory, or shared through Redis when `REDIS_URL` is set.
 * When Redis cannot answer (down, timing out), the request is counted in this instance's memory instead: the
 * API stays up and each instance still limits on its own until Redis is back (docs/front-end.md).
 */
@Injectable()
export class DeliveryRateLimiter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryRateLimiter.name);
  private readonly memory = new MemoryRateLimitStore();
  private readonly shared: RedisRateLimitStore | null;
  private lastWarningAt = 0;

  constructor(private readonly config: AppConfig) {
    const { redisUrl, redisKeyPrefix } = config.deliveryAccess;
    this.shared = redisUrl ? new RedisRateLimitStore(redisUrl, redisKeyPrefix, (error) => this.warn(error)) : null;
  }

  get windowSeconds(): number {
    return this.config.deliveryAccess.windowSeconds;
  }

  /** Which store counts while everything works. */
  get storeName(): RateLimitStore['name'] {
    return this.shared ? 'redis' : 'memory';
  }

  /** Counts one request of the subject; null when the subject has no limit. */
  async hit(subject: RateLimitSubject): Promise<RateLimitDecision | null> {
    if (subject.limit <= 0) return null;
    if (this.shared) {
      try {
        return await this.shared.hit(subject.key, subject.limit, this.windowSeconds);
      } catch (error) {
        this.warn(error as Error);
      }
    }
    return this.memory.hitNow(subject.key, subject.limit, this.windowSeconds);
  }

  /** The first requests after start-up are counted in Redis, not in memory while the connection opens. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.shared && !(await this.shared.connected(CONNECT_WAIT_MS))) {
      this.logger.warn(`Redis did not answer within ${CONNECT_WAIT_MS} ms; counting rate limits in this instance until it does`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.shared?.close();
    await this.memory.close();
  }

  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    this.lastWarningAt = now;
    this.logger.warn(`Redis rate-limit counters unavailable (${error.message}); counting in this instance until it is back`);
  }
}
