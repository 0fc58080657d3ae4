import type { BatchHandler, ConsumerOptions, EventLog, LogConsumer, ProduceRecord, RecordPosition, TopicSpec } from '../../services/event-log/port.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';

/**
 * The real log, counting what the gateway appended: how many device records (events,
 * telemetry, status) are in it, and the last status each device got. A driver playing a
 * scenario in lockstep waits until the alerting service has handled that many before it
 * moves simulated time on.
 */
export class CountingLog implements EventLog {
  /** Records appended to the topics alerting reads. */
  deviceRecords = 0;
  private readonly lastStatus = new Map<string, 'online' | 'offline'>();

  constructor(private readonly inner: EventLog) {}

  statusOf(deviceId: string): 'online' | 'offline' | undefined {
    return this.lastStatus.get(deviceId);
  }

  ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    return this.inner.ensureTopics(specs);
  }

  async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    const positions = await this.inner.append(topic, records);
    if (topic === LOG_TOPICS.events || topic === LOG_TOPICS.telemetry || topic === LOG_TOPICS.status) this.deviceRecords += records.length;
    if (topic === LOG_TOPICS.status) {
      for (const r of records) {
        const status = JSON.parse(r.value.toString()) as { deviceId: string; state: 'online' | 'offline' };
        this.lastStatus.set(status.deviceId, status.state);
      }
    }
    return positions;
  }

  consume(options: ConsumerOptions, handler: BatchHandler): Promise<LogConsumer> {
    return this.inner.consume(options, handler);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
