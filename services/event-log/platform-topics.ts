import { LOG_TOPICS } from '../shared/topics.ts';
import type { TopicSpec } from './port.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The platform's log topics (DESIGN.md "Kafka topics") and how long each is kept. */
export const PLATFORM_TOPICS: readonly TopicSpec[] = [
  { name: LOG_TOPICS.events, partitions: 6, retentionMs: 30 * DAY },
  { name: LOG_TOPICS.telemetry, partitions: 6, retentionMs: 7 * DAY },
  { name: LOG_TOPICS.status, partitions: 3, retentionMs: 30 * DAY },
  { name: LOG_TOPICS.deadletter, partitions: 1, retentionMs: 90 * DAY },
  { name: LOG_TOPICS.alerts, partitions: 3, retentionMs: 90 * DAY },
  { name: LOG_TOPICS.tickets, partitions: 3, retentionMs: 365 * DAY },
  { name: LOG_TOPICS.notifications, partitions: 3, retentionMs: 365 * DAY },
  // One partition: services apply configuration changes in the order the store committed them; kept for ever.
  { name: LOG_TOPICS.config, partitions: 1 },
];
