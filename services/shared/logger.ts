import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Structured JSON logs; pretty only when a person is watching a terminal.
 * OC_LOG_LEVEL overrides the level (tests default to silent).
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const level = process.env.OC_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  const pretty = process.stdout.isTTY && process.env.OC_LOG_FORMAT !== 'json';
  return pino({
    name,
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
    ...options,
  });
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
