import type { Logger } from './shared/logger.ts';

/**
 * Runs `stop` once on SIGINT or SIGTERM. A second signal while stopping exits
 * at once, for the operator whose patience has run out.
 */
export function onShutdownSignal(logger: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handle = (signal: NodeJS.Signals) => {
    // Ctrl-C reaches us twice within milliseconds (from the terminal and relayed by npm/tsx): not impatience.
    if (stoppingSince !== undefined && Date.now() - stoppingSince < 1000) return;
    if (stoppingSince !== undefined) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => {
        process.exitCode ??= 0;
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
