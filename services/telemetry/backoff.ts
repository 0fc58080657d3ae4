import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffSettings {
  initialMs: number;
  maxMs: number;
}

/** Half a second doubling to 15 s: a restarting InfluxDB is back within a few tries, a long outage costs a request every 15 s. */
export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 500, maxMs: 15_000 };

/**
 * The wait before try `attempt + 1` after `attempt` failures, with ±20 % jitter so that
 * writers restarted together do not knock on the store together. `random` is injectable
 * for tests.
 */
export function backoffDelay(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const base = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Waits, or rejects with an AbortError as soon as `signal` aborts. */
export const waitOrAbort = (ms: number, signal: AbortSignal): Promise<void> => sleep(ms, undefined, { signal });
