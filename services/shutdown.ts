import { systemClock, type Clock } from './shared/clock.ts';
import type { Logger } from './shared/logger.ts';

/** Exit code of a second Ctrl-C during shutdown: stopped, but not cleanly (128 + SIGINT, as shells report it). */
export const IMPATIENT_EXIT_CODE = 130;

/** What the handler needs of `process`; tests pass their own. */
export interface SignalTarget {
  on(signal: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): void;
  exitCode?: number | string | null | undefined;
}

export interface ShutdownOptions {
  clock?: Clock;
  target?: SignalTarget;
}

/**
 * Runs `stop` once on SIGINT or SIGTERM; a clean stop leaves exit code 0, a failed one 1.
 * A second signal while stopping exits at once with 130, for the operator whose patience
 * has run out.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>, options: ShutdownOptions = {}): void {
  const clock = options.clock ?? systemClock;
  const target: SignalTarget = options.target ?? process;
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches us twice within milliseconds (from the terminal and relayed by npm): not impatience.
    if (stoppingSince !== undefined && clock.now() - stoppingSince < 1000) return;
    if (stoppingSince !== undefined) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      target.exit(IMPATIENT_EXIT_CODE);
      return;
    }
    stoppingSince = clock.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => {
        target.exitCode ??= 0;
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        target.exitCode = 1;
      },
    );
  };
  target.on('SIGINT', handle);
  target.on('SIGTERM', handle);
}
