import { pino } from 'pino';
import type { Logger } from '../../services/shared/logger.ts';

/**
 * A logger whose lines a test can read, parsed. pino writes to a plain `{ write }`
 * destination synchronously, so a line is in `lines` as soon as the call that logged it returns.
 */
export function recordingLogger(level: pino.LevelWithSilent = 'debug'): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}
