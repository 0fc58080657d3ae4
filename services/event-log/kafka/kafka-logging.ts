import { logLevel, type logCreator } from 'kafkajs';
import type { Logger } from '../../shared/logger.ts';

/**
 * Routes kafkajs's own log lines into our pino logger, so they carry the service's
 * bindings and honour OC_LOG_LEVEL. kafkajs INFO lines are join/leave chatter that
 * repeats on every rebalance: they go to debug; warnings and errors keep their level.
 */
export function pinoLogCreator(logger: Logger): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _name, ...extra } = log as typeof log & { logger?: string };
      const fields = { kafkajs: namespace, ...extra };
      if (level === logLevel.ERROR) logger.error(fields, message);
      else if (level === logLevel.WARN) logger.warn(fields, message);
      else logger.debug(fields, message);
    };
}
