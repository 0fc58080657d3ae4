import type { Logger } from '../../../services/shared/logger.ts';
import { ReconnectBackoff } from '../../reconnect-backoff.ts';

export interface SessionLoopOptions {
  /** Back-off between sessions: starts at `initialMs`, doubles (with jitter) up to `maxMs`. */
  backoff: { initialMs: number; maxMs: number };
  /**
   * One connection's life: connect, talk until something breaks (then throw) or
   * the loop is stopping (then return).
   */
  session: () => Promise<void>;
  /** A session failed while the loop was running; failures caused by `stop()` are not reported. */
  onFailure: (err: unknown) => void;
  /** Runs after every session, failed or not: releases what the session held. */
  afterSession?: () => Promise<void>;
  /** Where a bug in the driver's own handlers is told, should one end the loop. */
  log: Logger;
}

/**
 * The loop every driver runs: a session, then a back-off pause, then the next
 * session, until stopped. `stop()` ends a pause at once, so a driver closes
 * without waiting out its back-off; the driver itself cuts what a session is
 * waiting on (a socket, a long poll) so that the session returns.
 */
export class SessionLoop {
  /** Call `backoff.reset()` once the device answered properly. */
  readonly backoff: ReconnectBackoff;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SessionLoopOptions) {
    this.backoff = new ReconnectBackoff(options.backoff.initialMs, options.backoff.maxMs);
  }

  /** Starts the loop in the background; a no-op once started or stopped. */
  start(): void {
    if (this.stopped) return;
    // run() hands every device failure to onFailure; this only catches a bug in the handlers.
    this.running ??= this.run().catch((err: unknown) => this.options.log.error({ err }, 'driver loop failed'));
  }

  get stopping(): boolean {
    return this.stopped;
  }

  /** Waits `ms`, or less if the loop is stopped meanwhile; returns at once when stopping. */
  pause(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }

  /** No new session, and a pause ends now. Resolves once the current session has returned. */
  stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.options.session();
      } catch (err) {
        if (!this.stopped) this.options.onFailure(err);
      }
      await this.options.afterSession?.();
      if (!this.stopped) await this.pause(this.backoff.nextDelayMs());
    }
  }
}
