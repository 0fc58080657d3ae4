import { EventEmitter } from 'node:events';
import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import { guardBatchHandler, type GuardedHandler } from '../event-log/guard/guarded-handler.ts';
import type { EventLog, LogConsumer, LogRecord, ProduceRecord } from '../event-log/port.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { ClockSkewLimits } from '../shared/clock-skew.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { Point, TimeSeriesWriter } from '../timeseries/port.ts';
import { DEFAULT_BACKOFF, type BackoffSettings } from './backoff.ts';
import { deadLetterFor } from './dead-letters.ts';
import { recordToPoint, type Refusal } from './envelope-to-point.ts';
import { siteTagIndex, type SiteTags } from './site-tags.ts';
import { ticketRecordToPoints } from './ticket-to-points.ts';
import { writeUntilAccepted } from './write-until-accepted.ts';

export interface TelemetryWriterOptions {
  log: EventLog;
  store: TimeSeriesWriter;
  /** The site's devices: their place in the site becomes the points' tags. */
  devices: readonly PlacedDevice[];
  logger: Logger;
  groupId?: string;
  /** Where a new group starts: the whole log (default) or only what arrives from now on. */
  startAt?: 'beginning' | 'end';
  /** Records per log batch, and so at most points per store write (default 2000). */
  maxBatchSize?: number;
  backoff?: BackoffSettings;
  /** The process's consumer registry, which hears when the writer is stuck. */
  health?: ConsumerHealth | undefined;
  /** The clock the stuck limit is measured on. */
  clock?: Clock;
  stuckAfterMs?: number;
  /** Beyond this, a device's timestamp is not believed and the point takes the receive time. */
  clockSkew?: ClockSkewLimits;
}

export interface TelemetryWriterStats {
  batches: number;
  pointsWritten: number;
  deadLettered: number;
  /** Store writes that failed and were tried again. */
  storeRetries: number;
  /** True while a batch waits for the store to come back. */
  waitingForStore: boolean;
}

export interface TelemetryWriterEvents {
  /** A batch is in the store and its dead letters in the log; its offsets commit next. */
  handled: [result: { records: number; points: number; deadLetters: number }];
  storeDown: [err: unknown];
  storeUp: [failures: number];
}

export const TELEMETRY_WRITER_GROUP = 'oc.telemetry-writer';

/**
 * Reads oc.events and oc.telemetry (a point per envelope) and oc.tickets (a point per
 * ticket timeline entry), writes the points to the time-series store, and dead-letters
 * what cannot be a point. A batch's offsets are committed only once the
 * store has accepted its points and the log its dead letters (the consumer commits when
 * the handler resolves). While the store is down the handler keeps the batch and retries,
 * so the writer stops reading instead of dropping points.
 */
export class TelemetryWriter {
  readonly events = new EventEmitter<TelemetryWriterEvents>();
  private readonly counts: Omit<TelemetryWriterStats, 'waitingForStore'> = { batches: 0, pointsWritten: 0, deadLettered: 0, storeRetries: 0 };
  private waitingForStore = false;
  private readonly stopping = new AbortController();
  private consumer: LogConsumer | undefined;
  /** No record may stop the writer: one that throws is retried while the error may pass, then dead-lettered. */
  guard: GuardedHandler | undefined;
  private closed: Promise<void> | undefined;
  /** The site tags per device; replaced when the site's devices change (oc.config, issue 17). */
  private tags: ReturnType<typeof siteTagIndex>;

  private constructor(private readonly o: TelemetryWriterOptions) {
    this.tags = siteTagIndex(o.devices);
    this.events.setMaxListeners(0);
  }

  /** A device added, moved or revoked while running: its points get (or lose) their site tags from the next batch on. */
  setDevices(devices: readonly PlacedDevice[]): void {
    this.tags = siteTagIndex(devices);
  }

  static async start(options: TelemetryWriterOptions): Promise<TelemetryWriter> {
    const writer = new TelemetryWriter(options);
    const guard = guardBatchHandler((batch) => writer.handle(batch, writer.tags, options.clockSkew), {
      consumer: 'telemetry-writer',
      log: options.log,
      logger: options.logger,
      clock: options.clock ?? systemClock,
      health: options.health,
      stuckAfterMs: options.stuckAfterMs,
      stopping: writer.stopping.signal,
      // The store being down is waited out inside the handler (writeUntilAccepted), never dead-lettered.
    });
    writer.guard = guard;
    writer.consumer = await options.log.consume(
      {
        groupId: options.groupId ?? TELEMETRY_WRITER_GROUP,
        topics: [LOG_TOPICS.events, LOG_TOPICS.telemetry, LOG_TOPICS.tickets],
        fromBeginning: options.startAt !== 'end',
        maxBatchSize: options.maxBatchSize ?? 2_000,
      },
      guard.handler,
    );
    options.logger.info({ devices: options.devices.length }, 'telemetry writer running');
    return writer;
  }

  stats(): TelemetryWriterStats {
    return { ...this.counts, waitingForStore: this.waitingForStore };
  }

  /** Stops reading: a batch waiting for the store gives up uncommitted (it comes again next start). Idempotent. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopping.abort();
      await this.consumer?.close();
      this.guard?.close();
      this.o.logger.info(this.stats(), 'telemetry writer stopped');
    })();
    return this.closed;
  }

  private async handle(batch: readonly LogRecord[], tags: ReturnType<typeof siteTagIndex>, clockSkew: ClockSkewLimits | undefined): Promise<void> {
    const points: Point[] = [];
    /** The record each point came from, by the point's index. */
    const sources: LogRecord[] = [];
    const deadLetters: ProduceRecord[] = [];
    for (const record of batch) {
      const mapped = recordToPoints(record, tags, clockSkew);
      if (mapped.ok) {
        for (const point of mapped.points) {
          points.push(point);
          sources.push(record);
        }
      } else {
        deadLetters.push(deadLetterFor(record, mapped.refusal));
      }
    }
    const refused = await writeUntilAccepted(points, {
      store: this.o.store,
      backoff: this.o.backoff ?? DEFAULT_BACKOFF,
      signal: this.stopping.signal,
      onUnavailable: (attempt, err) => this.storeFailed(attempt, err),
      onRecovered: (failures) => this.storeRecovered(failures),
    });
    // A record is dead-lettered once, even when several of its points were refused.
    const refusedRecords = new Set<LogRecord>();
    for (const r of refused) {
      const record = sources[r.index]!;
      if (refusedRecords.has(record)) continue;
      refusedRecords.add(record);
      deadLetters.push(deadLetterFor(record, { code: 'OC_TIMESERIES_REJECTED', reason: r.reason, field: undefined, deviceId: points[r.index]!.tags.device }));
    }
    // Before resolving (which commits): a dead letter that fails to append makes the batch come again.
    if (deadLetters.length > 0) {
      await this.o.log.append(LOG_TOPICS.deadletter, deadLetters);
      this.o.logger.warn({ count: deadLetters.length, firstOffset: batch[0]!.offset, topic: batch[0]!.topic }, 'records that cannot be points dead-lettered');
    }
    const written = points.length - refused.length;
    this.counts.batches += 1;
    this.counts.pointsWritten += written;
    this.counts.deadLettered += deadLetters.length;
    this.events.emit('handled', { records: batch.length, points: written, deadLetters: deadLetters.length });
  }

  private storeFailed(attempt: number, err: unknown): void {
    this.counts.storeRetries += 1;
    if (!this.waitingForStore) {
      this.waitingForStore = true;
      this.o.logger.error({ err }, 'time-series store unavailable: holding the batch and reading no further until it accepts');
      this.events.emit('storeDown', err);
    } else if (attempt % 10 === 0) {
      this.o.logger.warn({ err, attempt }, 'time-series store still unavailable');
    }
  }

  private storeRecovered(failures: number): void {
    this.waitingForStore = false;
    this.o.logger.info({ failures }, 'time-series store accepts writes again; reading on');
    this.events.emit('storeUp', failures);
  }
}

/** Envelopes give one point each; a ticket change one per timeline entry, a notification none. */
function recordToPoints(record: LogRecord, tags: ReadonlyMap<string, SiteTags>, clockSkew: ClockSkewLimits | undefined): { ok: true; points: Point[] } | { ok: false; refusal: Refusal } {
  if (record.topic === LOG_TOPICS.tickets) return ticketRecordToPoints(record);
  const mapped = recordToPoint(record, tags, clockSkew);
  return mapped.ok ? { ok: true, points: [mapped.point] } : mapped;
}
