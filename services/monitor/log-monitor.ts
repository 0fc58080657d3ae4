import { describeStuck, type ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { EventLog, LogConsumer, LogRecord } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import { parseEnvelopeJson } from '../shared/envelope.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { DeliveryTally } from './delivery-tally.ts';

export interface LogMonitorSnapshot {
  events: number;
  telemetry: number;
  deadLetters: number;
  online: number;
  offline: number;
  devicesReporting: number;
  duplicates: number;
  missingSeq: number;
  /** Devices whose counter started again (reset), counted apart from loss and duplicates. */
  seqResets: number;
  /** `ok`, or which consumer is stuck on which record and for how long. */
  consumers: string;
}

/** The process's consumers, for the monitor line to say when one is stuck. */
export interface ConsumerWatch {
  health: ConsumerHealth;
  clock: Clock;
}

/**
 * Watches the device topics of the log and tells a person, every interval,
 * that devices are reporting and nothing is going missing.
 */
export class LogMonitor {
  private readonly tally = new DeliveryTally();
  private readonly state = new Map<string, string>();
  private counts = { events: 0, telemetry: 0, deadLetters: 0 };
  private consumer: LogConsumer | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly logger: Logger,
    private readonly watch: ConsumerWatch | undefined,
  ) {}

  static async start(log: EventLog, logger: Logger, intervalMs = 10_000, watch?: ConsumerWatch): Promise<LogMonitor> {
    const monitor = new LogMonitor(logger, watch);
    const topics = [LOG_TOPICS.events, LOG_TOPICS.telemetry, LOG_TOPICS.status, LOG_TOPICS.deadletter];
    monitor.consumer = await log.consume({ groupId: 'oc.monitor', topics, fromBeginning: true }, async (batch) => monitor.take(batch));
    if (intervalMs > 0) {
      monitor.timer = setInterval(() => {
        const snapshot = monitor.snapshot();
        logger.info(snapshot, monitorLine(snapshot));
      }, intervalMs);
      monitor.timer.unref();
    }
    return monitor;
  }

  snapshot(): LogMonitorSnapshot {
    let online = 0;
    for (const s of this.state.values()) if (s === 'online') online += 1;
    return {
      ...this.counts,
      online,
      offline: this.state.size - online,
      devicesReporting: this.tally.devices,
      duplicates: this.tally.duplicates,
      missingSeq: this.tally.missing(),
      seqResets: this.tally.resets,
      consumers: this.watch ? describeStuck(this.watch.health.snapshot(), this.watch.clock.now()) : 'ok',
    };
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.consumer?.close();
  }

  private take(batch: readonly LogRecord[]): void {
    for (const record of batch) {
      // Dead letters are counted, not read: they carry up to a payload's worth of base64.
      if (record.topic === LOG_TOPICS.deadletter) {
        this.counts.deadLetters += 1;
        continue;
      }
      let body: { id?: string; deviceId?: string; seq?: number; state?: string };
      try {
        // Bounded like every reader of device bytes: a record from before the gateway refused poison is skipped.
        body = parseEnvelopeJson(record.value) as typeof body;
      } catch {
        this.logger.warn({ topic: record.topic, offset: record.offset }, 'unreadable record in the log');
        continue;
      }
      if (record.topic === LOG_TOPICS.status && body.deviceId && body.state) this.state.set(body.deviceId, body.state);
      else if (typeof body.deviceId === 'string' && typeof body.id === 'string' && Number.isSafeInteger(body.seq) && body.seq! >= 0 && this.tally.add(body.deviceId, body.id, body.seq!)) {
        if (record.topic === LOG_TOPICS.events) this.counts.events += 1;
        else this.counts.telemetry += 1;
      }
    }
  }
}

/**
 * `event log: events 124, telemetry 25, deadLetters 0, ...`: the counts in the message as well as
 * in the fields, since a terminal (pino-pretty) shows fields a key per line under the message.
 */
export const monitorLine = (snapshot: LogMonitorSnapshot): string =>
  `event log: ${Object.entries(snapshot)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ')}`;
