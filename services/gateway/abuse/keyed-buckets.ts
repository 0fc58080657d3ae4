import type { Clock } from '../../shared/clock.ts';

export interface BucketLimit {
  /** Sustained rate, per second. */
  ratePerSecond: number;
  /** Taken at once after a quiet spell. */
  burst: number;
}

/** Keys remembered at most; the longest unused are forgotten first (an attacker cycling addresses costs bounded memory). */
const DEFAULT_MAX_KEYS = 50_000;

/**
 * Token buckets by key (a device id, a source address): limits that follow the device or
 * the address, not one connection, so reconnecting does not buy a fresh allowance.
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: BucketLimit,
    private readonly clock: Clock,
    private readonly maxKeys = DEFAULT_MAX_KEYS,
  ) {}

  /** Takes `n` tokens if there are; false (and nothing taken) if not. */
  take(key: string, n = 1): boolean {
    const b = this.refill(key);
    if (b.tokens < n) return false;
    b.tokens -= n;
    return true;
  }

  /** Tokens now, for a limiter that waits rather than refuses. */
  tokens(key: string): number {
    return this.refill(key).tokens;
  }

  private refill(key: string) {
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key); // re-inserted last: most recently used
      b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.at) * this.limit.ratePerSecond) / 1000);
      b.at = now;
    } else {
      b = { tokens: this.limit.burst, at: now };
      if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
    return b;
  }
}
