import type { Clock } from '../../shared/clock.ts';
import { KeyedBuckets, type BucketLimit } from './keyed-buckets.ts';

export interface DeadLetterBudgetLimits {
  /** Dead letters one device may have written: count and stored bytes. */
  perDevice: { letters: BucketLimit; bytes: BucketLimit };
  /** All devices together. */
  total: { letters: BucketLimit; bytes: BucketLimit };
  /** A device over its budget is reported (a device-fault ticket) at most this often. */
  reportEveryMs: number;
}

export const DEFAULT_DEAD_LETTER_BUDGET: DeadLetterBudgetLimits = {
  perDevice: { letters: { ratePerSecond: 1, burst: 20 }, bytes: { ratePerSecond: 8 * 1024, burst: 128 * 1024 } },
  total: { letters: { ratePerSecond: 200, burst: 2_000 }, bytes: { ratePerSecond: 1024 * 1024, burst: 8 * 1024 * 1024 } },
  reportEveryMs: 10 * 60_000,
};

/** `write`: store it; `count`: over budget, only counted; `report`: over budget, and time to say so once. */
export type BudgetVerdict = 'write' | 'count' | 'report';

const TOTAL = '*';

/**
 * How much junk the dead-letter topic takes. Within budget a refused message is stored (its
 * reason, hash and first KB); past it, only counted, so one device sending garbage cannot
 * fill the disk, and the device is reported as faulty.
 */
export class DeadLetterBudget {
  private readonly letters: KeyedBuckets;
  private readonly bytes: KeyedBuckets;
  private readonly totalLetters: KeyedBuckets;
  private readonly totalBytes: KeyedBuckets;
  private readonly reportedAt = new Map<string, number>();
  private readonly counted = new Map<string, { letters: number; bytes: number }>();

  constructor(
    private readonly limits: DeadLetterBudgetLimits,
    private readonly clock: Clock,
  ) {
    this.letters = new KeyedBuckets(limits.perDevice.letters, clock);
    this.bytes = new KeyedBuckets(limits.perDevice.bytes, clock);
    this.totalLetters = new KeyedBuckets(limits.total.letters, clock);
    this.totalBytes = new KeyedBuckets(limits.total.bytes, clock);
  }

  admit(device: string, storedBytes: number): BudgetVerdict {
    const fits =
      this.letters.tokens(device) >= 1 && this.bytes.tokens(device) >= storedBytes && this.totalLetters.tokens(TOTAL) >= 1 && this.totalBytes.tokens(TOTAL) >= storedBytes;
    if (fits) {
      this.letters.take(device);
      this.bytes.take(device, storedBytes);
      this.totalLetters.take(TOTAL);
      this.totalBytes.take(TOTAL, storedBytes);
      return 'write';
    }
    const c = this.counted.get(device) ?? { letters: 0, bytes: 0 };
    c.letters += 1;
    c.bytes += storedBytes;
    this.counted.set(device, c);
    const last = this.reportedAt.get(device);
    const now = this.clock.now();
    if (last !== undefined && now - last < this.limits.reportEveryMs) return 'count';
    this.reportedAt.set(device, now);
    return 'report';
  }

  /** Dead letters of a device counted but not stored, since the start. */
  countedFor(device: string): { letters: number; bytes: number } {
    return { ...(this.counted.get(device) ?? { letters: 0, bytes: 0 }) };
  }
}
