/**
 * Watches how far the controller's clock is from the agent's.
 *
 * Skewed when the offset exceeds the tolerance; fine again only once it is back
 * within half the tolerance, so an offset hovering at the limit does not flap
 * between fault and recovery. While skewed, event times are moved by the
 * measured offset onto the agent's clock (the controller's own time is wrong,
 * the agent's is NTP-synchronised); within tolerance the controller's time is
 * kept as it is, because it is the better record of when the event happened.
 */
export class ClockSkew {
  private skewed = false;
  private lastOffsetMs = 0;

  constructor(private readonly toleranceMs: number) {}

  /** Records one measurement (controller time minus agent time); returns what changed. */
  observe(offsetMs: number): 'became-skewed' | 'became-ok' | 'unchanged' {
    this.lastOffsetMs = offsetMs;
    const size = Math.abs(offsetMs);
    if (!this.skewed && size > this.toleranceMs) {
      this.skewed = true;
      return 'became-skewed';
    }
    if (this.skewed && size <= this.toleranceMs / 2) {
      this.skewed = false;
      return 'became-ok';
    }
    return 'unchanged';
  }

  get isSkewed(): boolean {
    return this.skewed;
  }

  get offsetMs(): number {
    return this.lastOffsetMs;
  }

  /** The time to put in the envelope for an event the controller stamped `deviceTimeMs`. */
  correct(deviceTimeMs: number): number {
    return this.skewed ? deviceTimeMs - this.lastOffsetMs : deviceTimeMs;
  }

  describe(): string {
    const s = Math.round(Math.abs(this.lastOffsetMs) / 100) / 10;
    return `controller clock is ${s} s ${this.lastOffsetMs >= 0 ? 'ahead of' : 'behind'} the agent (tolerance ${this.toleranceMs / 1000} s)`;
  }
}

/**
 * Offset of a clock read over a round trip: the controller read its clock
 * somewhere between `sentAtMs` and `receivedAtMs`; the midpoint halves the error.
 */
export function roundTripOffset(deviceTimeMs: number, sentAtMs: number, receivedAtMs: number): number {
  return deviceTimeMs - (sentAtMs + receivedAtMs) / 2;
}
