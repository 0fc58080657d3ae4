import type { ServiceConfig } from '../config/service-config.ts';
import type { Logger } from '../shared/logger.ts';
import { KafkaEventLog } from './kafka/kafka-event-log.ts';
import { PLATFORM_TOPICS } from './platform-topics.ts';
import type { EventLog } from './port.ts';
import { SqliteEventLog } from './sqlite/sqlite-event-log.ts';

/**
 * The event log the config asks for, with the platform's topics in place:
 * choosing Kafka is configuration only. `clientId` names the process to Kafka.
 */
export async function openEventLog(config: ServiceConfig, clientId: string, logger: Logger): Promise<EventLog> {
  const log: EventLog =
    config.eventLog.kind === 'kafka'
      ? await KafkaEventLog.connect({ brokers: config.eventLog.brokers, clientId, logger })
      : SqliteEventLog.open({ path: config.eventLog.path, synchronous: config.eventLog.synchronous, logger });
  await log.ensureTopics(PLATFORM_TOPICS);
  return log;
}
