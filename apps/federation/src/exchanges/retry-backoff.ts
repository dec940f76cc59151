/** Settings of the automatic retries of failed outgoing exchanges (FederationEnvDto NCIP_RETRY_*). */
export interface RetryPolicy {
  baseMs: number;
  maxDelayMs: number;
  maxAttempts: number;
}

/**
 * When the next automatic retry is due after `done` automatic retries, in ms from now; null when they
 * have run out and the exchange waits for a person. Doubling from the base, capped.
 */
export function nextRetryDelayMs(done: number, p: RetryPolicy): number | null {
  if (done >= p.maxAttempts) return null;
  return Math.min(p.maxDelayMs, p.baseMs * 2 ** Math.min(done, 30));
}
