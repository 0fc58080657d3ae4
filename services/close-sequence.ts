import type { Logger } from './shared/logger.ts';

/** One part of a running process that must be closed: a named `close`. */
export interface ClosingPart {
  readonly name: string;
  close(): Promise<unknown> | unknown;
}

/**
 * Closes parts one after the other, in the order they were added, each awaited before the
 * next starts, so a part never loses what it relies on while it still finishes its work
 * (the gateway its log, the alerting service its store). A part that fails is logged and
 * the rest still close (the log must be closed even if the API would not); the sequence
 * then rejects naming what failed. Closing twice closes once.
 */
export class CloseSequence {
  private readonly parts: ClosingPart[] = [];
  private closing: Promise<void> | undefined;

  /** Appends a part; `close` runs after every part added before it. */
  add(name: string, close: () => Promise<unknown> | unknown): this {
    this.parts.push({ name, close });
    return this;
  }

  /** The parts' names, in closing order. */
  names(): string[] {
    return this.parts.map((p) => p.name);
  }

  close(logger?: Logger): Promise<void> {
    this.closing ??= this.run(logger);
    return this.closing;
  }

  private async run(logger: Logger | undefined): Promise<void> {
    const failed: string[] = [];
    for (const part of this.parts) {
      try {
        await part.close();
        logger?.debug({ part: part.name }, 'closed');
      } catch (err) {
        failed.push(part.name);
        logger?.error({ part: part.name, err }, 'could not close cleanly; closing the rest');
      }
    }
    if (failed.length > 0) throw new Error(`could not close cleanly: ${failed.join(', ')}`);
  }
}
