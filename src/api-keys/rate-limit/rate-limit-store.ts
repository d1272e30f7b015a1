/** The outcome of counting one request against a key's window. */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /** Whole seconds until the window ends (at least 1). */
  resetSeconds: number;
}

/**
 * Fixed-window request counters. Two implementations: one per instance (memory) and one shared by every instance
 * (Redis). Each counts a request and answers in one atomic step, so however many requests arrive at once, exactly
 * `limit` of them pass per window.
 */
export interface RateLimitStore {
  readonly name: 'memory' | 'redis';
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

/** The decision for a window that counted `count` requests (this one included) and ends in `resetMs`. */
export function decide(count: number, limit: number, resetMs: number): RateLimitDecision {
  return {
    allowed: count <= limit,
    limit,
    remaining: Math.max(0, limit - count),
    resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
  };
}
