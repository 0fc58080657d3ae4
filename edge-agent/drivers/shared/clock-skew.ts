export interface ClockSkewOptions {
  /** The device clock may be this far from the agent's before it is skewed. */
  toleranceMs: number;
  /**
   * A skewed clock is fine again only within this offset; default the tolerance.
   * Below it (e.g. half the tolerance), an offset hovering at the limit does not
   * flap between fault and recovery.
   */
  recoverWithinMs?: number;
  /** What the device is called in `describe()`, e.g. `controller`. Default `device`. */
  subject?: string;
}

/**
 * Watches how far a device's clock is from the agent's, from offsets the driver
 * measures (device time minus agent time).
 *
 * Decision, the same for every driver (see their READMEs): within tolerance an
 * event keeps the device's own time, the better record of when it happened. While
 * skewed, event times are moved by the measured offset onto the agent's clock (the
 * device's is wrong, the agent's is NTP-synchronised), so rules that read local
 * time still judge the real moment.
 */
export class ClockSkew {
  private readonly toleranceMs: number;
  private readonly recoverWithinMs: number;
  private readonly subject: string;
  private skewed = false;
  private lastOffsetMs = 0;

  constructor(options: ClockSkewOptions) {
    this.toleranceMs = options.toleranceMs;
    this.recoverWithinMs = options.recoverWithinMs ?? options.toleranceMs;
    this.subject = options.subject ?? 'device';
  }

  /** Records one measurement (device time minus agent time); returns what changed. */
  observe(offsetMs: number): 'became-skewed' | 'became-ok' | 'unchanged' {
    this.lastOffsetMs = offsetMs;
    const size = Math.abs(offsetMs);
    if (!this.skewed && size > this.toleranceMs) {
      this.skewed = true;
      return 'became-skewed';
    }
    if (this.skewed && size <= this.recoverWithinMs) {
      this.skewed = false;
      return 'became-ok';
    }
    return 'unchanged';
  }

  get isSkewed(): boolean {
    return this.skewed;
  }

  /** Device clock minus agent clock, as last measured. */
  get offsetMs(): number {
    return this.lastOffsetMs;
  }

  /** The time to put on an envelope for something the device stamped `deviceTimeMs`. */
  correct(deviceTimeMs: number): number {
    return this.skewed ? deviceTimeMs - this.lastOffsetMs : deviceTimeMs;
  }

  /** For the fault reason, e.g. "device clock is 600 s ahead of the agent (tolerance 10 s)"; `note` goes in the brackets. */
  describe(note?: string): string {
    const seconds = Math.round(Math.abs(this.lastOffsetMs) / 100) / 10;
    const direction = this.lastOffsetMs >= 0 ? 'ahead of' : 'behind';
    return `${this.subject} clock is ${seconds} s ${direction} the agent (${note ? `${note}; ` : ''}tolerance ${this.toleranceMs / 1000} s)`;
  }
}

/**
 * Offset (device minus agent) of a device clock read over a round trip: the device
 * read its clock somewhere between `sentAtMs` and `receivedAtMs`; the midpoint
 * halves the error.
 */
export function roundTripOffset(deviceTimeMs: number, sentAtMs: number, receivedAtMs: number): number {
  return deviceTimeMs - (sentAtMs + receivedAtMs) / 2;
}
