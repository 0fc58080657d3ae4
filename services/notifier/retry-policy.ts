/** How deliveries are retried; the defaults suit a night's paging, tests shrink them. */
export interface RetryPolicy {
  /** First back-off; doubles each attempt. */
  baseMs: number;
  maxDelayMs: number;
  /** Attempts before a delivery is given up (and shown so on the ticket). */
  maxAttempts: number;
  /** Every request's time limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, maxDelayMs: 5 * 60_000, maxAttempts: 10, timeoutMs: 10_000 };

/**
 * Exponential back-off with "equal jitter": half the window fixed, half random, so
 * receivers that came back are not hit by every notifier at the same instant.
 * `random` is injectable so tests pin it. A Retry-After from the receiver wins when longer.
 */
export function nextDelayMs(policy: RetryPolicy, attempts: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const window = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  const backoff = window / 2 + random() * (window / 2);
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}
