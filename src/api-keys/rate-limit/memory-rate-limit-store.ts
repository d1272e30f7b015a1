import { decide, RateLimitDecision, RateLimitStore } from './rate-limit-store';

interface Window {
  endsAt: number;
  count: number;
}

/** Ended windows are dropped every this many hits (the map stays as large as the live subjects). */
const SWEEP_EVERY_HITS = 10_000;

/**
 * Counters held in this process: each instance limits on its own (N instances behind a load balancer let up to
 * N × limit through). Counting is synchronous, so concurrent requests cannot overshoot. The clock is injectable.
 */
export class MemoryRateLimitStore implements RateLimitStore {
  readonly name = 'memory';
  private readonly windows = new Map<string, Window>();
  private hitsSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return Promise.resolve(this.hitNow(key, limit, windowSeconds));
  }

  hitNow(key: string, limit: number, windowSeconds: number): RateLimitDecision {
    const now = this.now();
    this.sweep(now);
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { endsAt: now + windowSeconds * 1000, count: 0 };
      this.windows.set(key, window);
    }
    // A refused request is not counted: the window's count stays at the limit.
    if (window.count < limit) window.count += 1;
    else return decide(limit + 1, limit, window.endsAt - now);
    return decide(window.count, limit, window.endsAt - now);
  }

  get size(): number {
    return this.windows.size;
  }

  close(): Promise<void> {
    this.windows.clear();
    return Promise.resolve();
  }

  private sweep(now: number): void {
    this.hitsSinceSweep += 1;
    if (this.hitsSinceSweep < SWEEP_EVERY_HITS) return;
    this.hitsSinceSweep = 0;
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
