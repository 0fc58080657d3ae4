import type { Clock } from '../shared/clock.ts';

export interface RateLimit {
  /** Sustained messages per second one client may send. */
  ratePerSecond: number;
  /** Messages a client may send at once after being quiet. */
  burst: number;
  /** A client held back continuously this long is disconnected as a flood. */
  floodAfterMs: number;
}

/**
 * Per-client token bucket with a FIFO of waiting messages. Waiting instead of
 * dropping is back-pressure: aedes reads no more from a socket while a packet of
 * its batch is pending, so a flooding client slows itself down and nobody else.
 * The FIFO keeps the client's message order intact.
 */
/** A device's tokens, kept by the gateway across its connections so that reconnecting buys no fresh burst. */
export interface TokenState {
  tokens: number;
  refilledAt: number;
}

export const freshTokens = (limit: RateLimit, now: number): TokenState => ({ tokens: limit.burst, refilledAt: now });

export class ClientAdmission {
  private readonly bucket: TokenState;
  private readonly waiting: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private throttledSince: number | undefined;
  throttledCount = 0;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
    private readonly onFlood: () => void,
    private readonly onThrottle: () => void = () => {},
    shared?: TokenState,
  ) {
    this.bucket = shared ?? freshTokens(limit, clock.now());
  }

  /** Runs `go` now if the client is within its rate, else once a token is free. */
  admit(go: () => void): void {
    if (this.waiting.length === 0 && this.take()) {
      this.throttledSince = undefined;
      go();
      return;
    }
    this.throttledCount += 1;
    this.onThrottle();
    this.throttledSince ??= this.clock.now();
    this.waiting.push(go);
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting.length = 0;
  }

  private take(): boolean {
    const now = this.clock.now();
    const b = this.bucket;
    b.tokens = Math.min(this.limit.burst, b.tokens + ((now - b.refilledAt) * this.limit.ratePerSecond) / 1000);
    b.refilledAt = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  private schedule(): void {
    if (this.timer) return;
    const waitMs = Math.max(1, Math.ceil(((1 - this.bucket.tokens) * 1000) / this.limit.ratePerSecond));
    this.timer = setTimeout(() => this.drain(), waitMs);
  }

  private drain(): void {
    this.timer = undefined;
    while (this.waiting.length > 0 && this.take()) this.waiting.shift()!();
    if (this.waiting.length === 0) {
      this.throttledSince = undefined;
      return;
    }
    if (this.throttledSince !== undefined && this.clock.now() - this.throttledSince > this.limit.floodAfterMs) {
      this.close();
      this.onFlood();
      return;
    }
    this.schedule();
  }
}
