import { MemoryRateLimitStore } from './memory-rate-limit-store';
import { rateLimitHeaders } from './rate-limit-headers';

describe('MemoryRateLimitStore', () => {
  it('lets exactly the limit through per window, then resets when the window ends', () => {
    let now = 1_000_000;
    const store = new MemoryRateLimitStore(() => now);
    const decisions = Array.from({ length: 5 }, () => store.hitNow('ip:a', 3, 60));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
    expect(decisions.map((d) => d.remaining)).toEqual([2, 1, 0, 0, 0]);
    expect(decisions[4].resetSeconds).toBe(60);
    now += 59_500;
    expect(store.hitNow('ip:a', 3, 60)).toMatchObject({ allowed: false, resetSeconds: 1 });
    now += 500;
    expect(store.hitNow('ip:a', 3, 60)).toMatchObject({ allowed: true, remaining: 2, resetSeconds: 60 });
  });

  it('counts each key on its own', () => {
    const store = new MemoryRateLimitStore(() => 0);
    expect(store.hitNow('ip:a', 1, 60).allowed).toBe(true);
    expect(store.hitNow('ip:b', 1, 60).allowed).toBe(true);
    expect(store.hitNow('ip:a', 1, 60).allowed).toBe(false);
  });
});

describe('rateLimitHeaders', () => {
  it('writes the draft RateLimit fields, and Retry-After only on a refusal', () => {
    expect(rateLimitHeaders({ allowed: true, limit: 20, remaining: 19, resetSeconds: 60 }, 60)).toEqual({
      'ratelimit-limit': '20',
      'ratelimit-remaining': '19',
      'ratelimit-reset': '60',
      'ratelimit-policy': '20;w=60',
    });
    expect(rateLimitHeaders({ allowed: false, limit: 20, remaining: 0, resetSeconds: 7 }, 60)['retry-after']).toBe('7');
  });
});
