/**
 * Wait before retry number `attempt` (1 = the wait after the first failure): exponential from `baseMs`,
 * capped at `maxMs`, then "equal jitter" (between half and all of it) so endpoints that failed together
 * do not retry in step.
 */
export function webhookRetryDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(40, Math.max(0, attempt - 1)));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
