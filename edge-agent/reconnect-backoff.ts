/**
 * Reconnect delays: start at `initialMs`, double per failed attempt up to `maxMs`,
 * each drawn from [delay/2, delay] so that a compound full of devices losing the
 * same broker does not come back in one synchronized wave.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly random: () => number = Math.random,
  ) {}

  nextDelayMs(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  /** A connection succeeded: the next outage starts from the short delay again. */
  reset(): void {
    this.attempt = 0;
  }
}
