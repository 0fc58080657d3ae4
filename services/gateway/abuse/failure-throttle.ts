import type { Clock } from '../../shared/clock.ts';

export interface FailureLimit {
  /** Failures allowed within `windowMs` before the key is locked. */
  maxFailures: number;
  windowMs: number;
  /** First lock; each further lock of the same key doubles it, up to `maxLockMs`. */
  lockMs: number;
  maxLockMs: number;
}

interface Entry {
  windowStart: number;
  failures: number;
  lockedUntil: number;
  locks: number;
}

/**
 * Failed attempts by key with back-off: past `maxFailures` in a window the key is locked,
 * for longer each time it is locked again. Used per device id and per source address for
 * MQTT logins, and for client ids that two connections fight over.
 */
export class FailureThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly limit: FailureLimit,
    private readonly clock: Clock,
    private readonly maxKeys = 50_000,
  ) {}

  /** Ms until the key may try again; 0 when it may now. */
  lockedFor(key: string): number {
    const e = this.entries.get(key);
    return e ? Math.max(0, e.lockedUntil - this.clock.now()) : 0;
  }

  /** Counts a failure; returns true when this one locked the key. */
  fail(key: string): boolean {
    const now = this.clock.now();
    let e = this.entries.get(key);
    if (!e) {
      if (this.entries.size >= this.maxKeys) this.entries.delete(this.entries.keys().next().value!);
      e = { windowStart: now, failures: 0, lockedUntil: 0, locks: 0 };
      this.entries.set(key, e);
    }
    if (now - e.windowStart > this.limit.windowMs) {
      e.windowStart = now;
      e.failures = 0;
    }
    e.failures += 1;
    if (e.failures <= this.limit.maxFailures || e.lockedUntil > now) return false;
    e.locks += 1;
    e.lockedUntil = now + Math.min(this.limit.lockMs * 2 ** (e.locks - 1), this.limit.maxLockMs);
    e.failures = 0;
    e.windowStart = now;
    return true;
  }

  /** A success forgets the failures (not a lock in force). */
  succeed(key: string): void {
    const e = this.entries.get(key);
    if (e && e.lockedUntil <= this.clock.now()) this.entries.delete(key);
  }
}
