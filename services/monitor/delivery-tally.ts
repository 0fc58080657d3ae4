/**
 * Counts what reached the log per device, the way DESIGN.md means `seq` to be
 * used: distinct ids, duplicates, and the gaps in each device's sequence that
 * are still open (a message the device has not delivered, or has lost).
 */
export class DeliveryTally {
  private readonly seen = new Set<string>();
  private readonly seqs = new Map<string, { min: number; max: number; distinct: Set<number> }>();
  duplicates = 0;

  /** Returns false for a repeat of an id already counted. */
  add(deviceId: string, id: string, seq: number): boolean {
    if (this.seen.has(id)) {
      this.duplicates += 1;
      return false;
    }
    this.seen.add(id);
    const entry = this.seqs.get(deviceId) ?? { min: seq, max: seq, distinct: new Set<number>() };
    entry.distinct.add(seq);
    entry.min = Math.min(entry.min, seq);
    entry.max = Math.max(entry.max, seq);
    this.seqs.set(deviceId, entry);
    return true;
  }

  /**
   * Sequence numbers between the lowest and highest seen that have not arrived,
   * over all devices. From the lowest, not from 0: a reader that resumes from
   * a committed offset has rightly not seen the older ones.
   */
  missing(): number {
    let gaps = 0;
    for (const { min, max, distinct } of this.seqs.values()) gaps += max - min + 1 - distinct.size;
    return gaps;
  }

  /** Sequence numbers of one device that have arrived, sorted. */
  arrived(deviceId: string): number[] {
    return [...(this.seqs.get(deviceId)?.distinct ?? [])].sort((a, b) => a - b);
  }

  get devices(): number {
    return this.seqs.size;
  }
}
