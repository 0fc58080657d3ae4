import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../shared/clock.ts';
import { deadLetterRecord } from '../../shared/dead-letter.ts';
import { isOcError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import { LOG_TOPICS } from '../../shared/topics.ts';
import type { BatchHandler, EventLog, LogRecord } from '../port.ts';
import type { ConsumerHealth, ConsumerStatus } from './consumer-health.ts';

export interface GuardOptions {
  /** Names the consumer in dead letters, logs, the monitor line and the stuck ticket. */
  consumer: string;
  log: Pick<EventLog, 'append'>;
  logger: Logger;
  clock: Clock;
  health?: ConsumerHealth | undefined;
  /** Tries of one record (or batch) for an error that may pass, before it is dead-lettered. */
  maxAttempts?: number;
  /** Wait before the second try, doubling after each. */
  retryDelayMs?: number;
  /** Errors worth trying again (database busy); anything else is dead-lettered after one try. */
  isTransient?: (err: unknown) => boolean;
  /** One record holding the consumer up this long makes it `stuck`. */
  stuckAfterMs?: number;
  /** How often the stuck limit is checked; 0 leaves it to `check()` (tests). */
  watchIntervalMs?: number;
  /** Aborted when the consumer stops: a record failing then is left uncommitted, not dead-lettered. */
  stopping?: AbortSignal;
}

export interface GuardedHandler {
  readonly handler: BatchHandler;
  status(): ConsumerStatus;
  /** Checks the stuck limit now (the watch timer calls it too). */
  check(): void;
  close(): void;
}

export const DEFAULT_STUCK_AFTER_MS = 3_000;

/** SQLite busy or locked, a store that asked to be tried again, a lost optimistic race. */
export function isTransientError(err: unknown): boolean {
  if (isOcError(err)) return err.code === 'OC_TIMESERIES_UNAVAILABLE' || err.code === 'OC_TICKET_CONFLICT' || err.code === 'OC_LOG_APPEND_FAILED';
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const positionOf = (r: LogRecord): string => `${r.topic}/${r.partition}/${r.offset}`;
const describe = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);

/**
 * Wraps a consumer's batch handler so that no record can stop it: a batch that throws is
 * tried again a bounded number of times while the error may pass, then its records are
 * handled one by one, and a record that still throws goes to oc.deadletter with the
 * consumer's name and the error. The handler then resolves, so the consumer commits past
 * it and goes on (Kafka users call such a record a poison pill). A record that holds the
 * consumer up longer than the stuck limit (a store that is down, a retry loop) is reported:
 * in `status()` and to the health registry, which the monitor line, /health and the IoT
 * team's ticket read. Handlers must stay idempotent: a record may be handled twice.
 */
export function guardBatchHandler(inner: BatchHandler, o: GuardOptions): GuardedHandler {
  const maxAttempts = o.maxAttempts ?? 3;
  const retryDelayMs = o.retryDelayMs ?? 50;
  const isTransient = o.isTransient ?? isTransientError;
  const stuckAfterMs = o.stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  let current: { record: string; since: number; error: string | undefined; retrying: boolean } | undefined;
  let stuck = false;
  let deadLettered = 0;
  let longestStallMs = 0;

  const status = (): ConsumerStatus => ({
    consumer: o.consumer,
    state: stuck ? 'stuck' : current?.retrying ? 'retrying' : 'ok',
    record: current?.record,
    since: current?.since,
    deadLettered,
    longestStallMs: Math.max(longestStallMs, current ? o.clock.now() - current.since : 0),
  });

  const check = (): void => {
    if (!current || stuck || o.clock.now() - current.since <= stuckAfterMs) return;
    stuck = true;
    o.logger.error({ consumer: o.consumer, record: current.record, error: current.error, forMs: o.clock.now() - current.since }, `${o.consumer} is stuck on record ${current.record}`);
    o.health?.report({ consumer: o.consumer, record: current.record, since: current.since, error: current.error }, true);
  };

  const begin = (batch: readonly LogRecord[]): void => {
    const record = positionOf(batch[0]!);
    // A redelivery of the same head keeps its start: stuck is measured from the first try.
    if (current?.record !== record) current = { record, since: o.clock.now(), error: undefined, retrying: false };
  };

  const finish = (): void => {
    if (!current) return;
    longestStallMs = Math.max(longestStallMs, o.clock.now() - current.since);
    if (stuck) {
      o.logger.info({ consumer: o.consumer, record: current.record }, `${o.consumer} moves again`);
      o.health?.report({ consumer: o.consumer, record: current.record, since: current.since, error: current.error }, false);
    }
    stuck = false;
    current = undefined;
  };

  /** Runs the inner handler, trying again while the error may pass; throws the last error. */
  const attempt = async (batch: readonly LogRecord[]): Promise<void> => {
    for (let n = 1; ; n++) {
      try {
        await inner(batch);
        return;
      } catch (err) {
        if (current) {
          current.error = describe(err);
          current.retrying = true;
        }
        if (n >= maxAttempts || !isTransient(err) || o.stopping?.aborted) throw err;
        o.logger.warn({ consumer: o.consumer, record: positionOf(batch[0]!), attempt: n, err: describe(err) }, 'record failed with an error that may pass; trying again');
        await sleep(retryDelayMs * 2 ** (n - 1));
        check();
      }
    }
  };

  const deadLetter = async (record: LogRecord, err: unknown): Promise<void> => {
    const position = positionOf(record);
    const code = isOcError(err) ? err.code : 'OC_CONSUMER_RECORD_FAILED';
    o.logger.error({ consumer: o.consumer, record: position, code, err: describe(err) }, `${o.consumer} gave up on a record: dead-lettered, moving on`);
    // Thrown if the log refuses: the batch stays uncommitted and comes again, nothing is lost.
    await o.log.append(LOG_TOPICS.deadletter, [
      {
        key: record.key ?? 'unknown',
        value: deadLetterRecord({
          code,
          reason: `${o.consumer}: ${describe(err)}`,
          consumer: o.consumer,
          clientId: record.key ?? undefined,
          topic: record.topic,
          payload: record.value,
          receivedAt: record.timestamp,
        }),
        headers: { source: o.consumer, position },
      },
    ]);
    deadLettered += 1;
  };

  const handler: BatchHandler = async (batch) => {
    if (batch.length === 0) return inner(batch);
    begin(batch);
    try {
      await attempt(batch);
    } catch (err) {
      // Stopping is no verdict on the record: it comes again at the next start.
      if (o.stopping?.aborted) throw err;
      if (batch.length === 1) {
        await deadLetter(batch[0]!, err);
      } else {
        // One of them is bad: find it by handling each alone (the others are idempotent replays).
        for (const record of batch) {
          begin([record]);
          try {
            await attempt([record]);
          } catch (recordErr) {
            if (o.stopping?.aborted) throw recordErr;
            await deadLetter(record, recordErr);
          }
        }
      }
    }
    finish();
  };

  const timer = o.watchIntervalMs === 0 ? undefined : setInterval(check, o.watchIntervalMs ?? 500);
  timer?.unref();
  o.health?.register(o.consumer, status);
  return {
    handler,
    status,
    check,
    close: () => {
      clearInterval(timer);
      o.health?.unregister(o.consumer);
    },
  };
}
