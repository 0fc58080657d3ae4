import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { EMAIL_LOG_PATHS, maskPersonalData, PHONE_LOG_PATHS } from './mask-phone.ts';

export type { Logger };

/**
 * Structured JSON logs; pretty only when a person is watching a terminal.
 * OC_LOG_LEVEL overrides the level (tests default to silent). `destination` (tests) replaces stdout.
 */
export function createLogger(name: string, options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const level = process.env.OC_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  const pretty = !destination && process.stdout.isTTY && process.env.OC_LOG_FORMAT !== 'json';
  const settings: LoggerOptions = {
    name,
    level,
    // Personal data stays out of logs: a phone number or an e-mail address in any logged object is masked.
    redact: { paths: [...PHONE_LOG_PATHS, ...EMAIL_LOG_PATHS], censor: maskPersonalData },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } } : {}),
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

export const silentLogger = (): Logger => pino({ level: 'silent' });
