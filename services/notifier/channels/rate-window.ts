/**
 * A sliding-window count of messages per target (a robot allows 20 a minute):
 * `freeAt` says when the next message may go. In memory: after a restart a
 * robot may see one window's worth early, and answers its own rate-limit code, which is retried.
 */
export class RateWindow {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly messages: number, private readonly perMs: number) {}

  /** The moment the next message to `target` may be sent (≤ now: at once). */
  freeAt(target: string, now: number): number {
    const times = this.recent(target, now);
    return times.length < this.messages ? now : times[times.length - this.messages]! + this.perMs;
  }

  record(target: string, now: number): void {
    const times = this.recent(target, now);
    times.push(now);
    this.sent.set(target, times);
  }

  private recent(target: string, now: number): number[] {
    return (this.sent.get(target) ?? []).filter((t) => t > now - this.perMs);
  }
}
