import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from './logger.ts';

/** Whether the sweeper was stopped: a pass checks it between chunks and gives up early. */
export type StopSignal = () => boolean;

/**
 * Runs a deleting pass on an unref'd interval (it must never keep the process alive).
 * A pass deletes in chunks (see deleteInChunks) so a large backlog does not hold the
 * SQLite write lock for long; overlapping calls join the pass in progress, and stop()
 * waits for it, so the database can be closed right after.
 */
export class ChunkedSweeper {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;
  private stopped = false;

  constructor(
    private readonly pass: (stopped: StopSignal) => Promise<number>,
    intervalMs: number,
    logger: Logger,
    what: string,
  ) {
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => logger.warn({ err }, `${what} sweep failed; next interval retries`));
    }, intervalMs);
    this.timer.unref();
  }

  /** Runs a pass now; resolves with how many rows it deleted. Joins a pass already running. */
  sweep(): Promise<number> {
    this.running ??= this.pass(() => this.stopped).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a running pass. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}

/**
 * Calls `deleteChunk` (which deletes at most `chunkSize` rows) until it deletes fewer,
 * with an event-loop turn between chunks so writers get through; stops early when asked.
 */
export async function deleteInChunks(deleteChunk: () => number, chunkSize: number, stopped: StopSignal): Promise<number> {
  let deleted = 0;
  while (!stopped()) {
    const changes = deleteChunk();
    deleted += changes;
    if (changes < chunkSize) break;
    await nextTurn();
  }
  return deleted;
}
