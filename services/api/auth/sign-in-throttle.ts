import type { Clock } from '../../shared/clock.ts';

export interface ThrottlePolicy {
  /** Failures within `windowMs` after which attempts are held back (the last of them starts the first hold). */
  freeFailures: number;
  windowMs: number;
  /** The first hold; each further failure doubles it, up to `maxLockMs`. */
  firstLockMs: number;
  maxLockMs: number;
  /** Logins remembered at most; a flood of made-up logins cannot grow memory without bound. */
  maxTracked: number;
}

const DEFAULT_THROTTLE: ThrottlePolicy = { freeFailures: 5, windowMs: 15 * 60_000, firstLockMs: 30_000, maxLockMs: 15 * 60_000, maxTracked: 10_000 };

interface Failures {
  count: number;
  firstAt: number;
  lockedUntil: number;
}

/**
 * Slows password guessing per login. Unknown logins are counted exactly like
 * known ones, so the answers do not tell which logins exist. In memory: a
 * restart forgives, which costs a guesser one restart of ours per few attempts.
 */
export class SignInThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly clock: Clock,
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE,
  ) {}

  /** Milliseconds until this login may try again; 0 when it may try now. */
  waitMs(login: string): number {
    const f = this.current(login);
    return f ? Math.max(0, f.lockedUntil - this.clock.now()) : 0;
  }

  failed(login: string): void {
    const now = this.clock.now();
    const f = this.current(login) ?? { count: 0, firstAt: now, lockedUntil: 0 };
    f.count += 1;
    const over = f.count - this.policy.freeFailures + 1;
    if (over > 0) f.lockedUntil = now + Math.min(this.policy.maxLockMs, this.policy.firstLockMs * 2 ** Math.min(over - 1, 20));
    // Re-insert so the map's order is oldest activity first, for eviction.
    this.failures.delete(login);
    this.failures.set(login, f);
    if (this.failures.size > this.policy.maxTracked) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(login: string): void {
    this.failures.delete(login);
  }

  private current(login: string): Failures | undefined {
    const f = this.failures.get(login);
    if (!f) return undefined;
    const now = this.clock.now();
    // A quiet window, with no hold still running, starts the count again.
    if (now - f.firstAt >= this.policy.windowMs && now >= f.lockedUntil) {
      this.failures.delete(login);
      return undefined;
    }
    return f;
  }
}
