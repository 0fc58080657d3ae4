/**
 * Watches the camera's clock against the agent's. ONVIF carries device time in
 * GetSystemDateAndTime and in the CurrentTime of every pull-point answer, and
 * stamps each event with UtcTime; this compares each reading with the agent
 * clock at the moment of receipt.
 *
 * Decision (see README): while the offset is within tolerance, an event keeps the
 * device's own time. Beyond it, the event time is corrected by the last measured
 * offset (so alerting rules that read local time, such as quiet hours, still see
 * when it really happened), and the device's stamp is kept in `data.deviceTime`.
 */
export class ClockSkewMonitor {
  private offset = 0;
  private measured = false;

  constructor(private readonly toleranceMs: number) {}

  /** Records a device time reading taken at agent time `agentTimeMs`. */
  observe(deviceTimeMs: number, agentTimeMs: number): void {
    this.offset = deviceTimeMs - agentTimeMs;
    this.measured = true;
  }

  /** Device clock minus agent clock, as last measured. */
  get offsetMs(): number {
    return this.offset;
  }

  get skewed(): boolean {
    return this.measured && Math.abs(this.offset) > this.toleranceMs;
  }

  /** The time to put on an envelope for something the device stamped `deviceTimeMs`. */
  envelopeTime(deviceTimeMs: number): { timeMs: number; corrected: boolean } {
    return this.skewed ? { timeMs: deviceTimeMs - this.offset, corrected: true } : { timeMs: deviceTimeMs, corrected: false };
  }
}
