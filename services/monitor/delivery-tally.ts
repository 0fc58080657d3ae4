/**
 * Counts what reached the log per device, the way DESIGN.md means `seq` to be
 * used: distinct ids, duplicates, and the gaps in each device's sequence that
 * are still open (a message the device has not delivered, or has lost).
 *
 * A device that restarts its counter (a reset, a replaced controller) starts a new epoch:
 * its seq comes again with a new id, or falls far below what was seen, or leaps far ahead
 * (one bogus 2^53 - 1). Each epoch's gaps are counted on their own and the reset is counted
 * as a reset, never as millions of lost messages or as duplicates.
 */
interface Epoch {
  min: number;
  max: number;
  distinct: Set<number>;
}

interface DeviceSeqs {
  current: Epoch;
  /** Gaps of the epochs before the current one, frozen when it ended. */
  closedGaps: number;
  /** Seqs of earlier epochs, for `arrived`. */
  earlier: number[];
}

/** Out of order by more than this (the log's topics are read in turns) is a reset, not lateness. */
export const SEQ_REORDER_WINDOW = 10_000;
/** A leap ahead by more than this is a new counter, not that many lost messages. */
export const SEQ_MAX_JUMP = 100_000;

const epochOf = (seq: number): Epoch => ({ min: seq, max: seq, distinct: new Set([seq]) });
const gapsOf = (e: Epoch): number => e.max - e.min + 1 - e.distinct.size;

export class DeliveryTally {
  private readonly seen = new Set<string>();
  private readonly seqs = new Map<string, DeviceSeqs>();
  duplicates = 0;
  /** Counter resets seen, over all devices. */
  resets = 0;

  /** Returns false for a repeat of an id already counted. */
  add(deviceId: string, id: string, seq: number): boolean {
    if (this.seen.has(id)) {
      this.duplicates += 1;
      return false;
    }
    this.seen.add(id);
    const entry = this.seqs.get(deviceId);
    if (!entry) {
      this.seqs.set(deviceId, { current: epochOf(seq), closedGaps: 0, earlier: [] });
      return true;
    }
    const e = entry.current;
    if (e.distinct.has(seq) || seq < e.min - SEQ_REORDER_WINDOW || seq > e.max + SEQ_MAX_JUMP) {
      this.resets += 1;
      entry.closedGaps += gapsOf(e);
      entry.earlier.push(...e.distinct);
      entry.current = epochOf(seq);
      return true;
    }
    e.distinct.add(seq);
    e.min = Math.min(e.min, seq);
    e.max = Math.max(e.max, seq);
    return true;
  }

  /**
   * Sequence numbers between the lowest and highest seen that have not arrived,
   * over all devices and epochs. From the lowest, not from 0: a reader that resumes from
   * a committed offset has rightly not seen the older ones.
   */
  missing(): number {
    let gaps = 0;
    for (const d of this.seqs.values()) gaps += d.closedGaps + gapsOf(d.current);
    return gaps;
  }

  /** Sequence numbers of one device that have arrived, sorted (all epochs). */
  arrived(deviceId: string): number[] {
    const d = this.seqs.get(deviceId);
    return d ? [...d.earlier, ...d.current.distinct].sort((a, b) => a - b) : [];
  }

  get devices(): number {
    return this.seqs.size;
  }
}
