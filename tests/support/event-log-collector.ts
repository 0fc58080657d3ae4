import { randomUUID } from 'node:crypto';
import { conditionText, pollUntil } from './poll-until.ts';
import type { ConsumerOptions, EventLog, LogConsumer, LogRecord } from '../../services/event-log/port.ts';

/** Topic and group names unique per test, so suites can share one broker or file. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const valuesOf = (records: readonly LogRecord[]): string[] => records.map((record) => record.value.toString('utf8'));
export const offsetsOf = (records: readonly { offset: number }[]): number[] => records.map((record) => record.offset);

export interface CollectorOptions extends Partial<ConsumerOptions> {
  topics: readonly string[];
  /**
   * Runs inside the handler for every delivery, before the batch counts as accepted.
   * Throw to fail the batch; await something to hold the batch in progress.
   */
  onBatch?: (batch: readonly LogRecord[], deliveryIndex: number) => Promise<void> | void;
}

export interface Collector {
  readonly groupId: string;
  /** Every batch handed to the handler, including failed attempts, in delivery order. */
  readonly deliveries: (readonly LogRecord[])[];
  /** Records of the batches whose handler resolved (and which the log therefore commits), in order. */
  readonly accepted: LogRecord[];
  /** Resolves once `predicate` holds for what was delivered (pollUntil: fails naming the predicate). */
  waitUntil(predicate: () => boolean, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** Consumes with a handler that records what it gets; waiting is pollUntil's. */
export async function startCollector(log: EventLog, options: CollectorOptions): Promise<Collector> {
  const groupId = options.groupId ?? uniqueName('group');
  const deliveries: (readonly LogRecord[])[] = [];
  const accepted: LogRecord[] = [];

  const consumerOptions: ConsumerOptions = { groupId, topics: options.topics, fromBeginning: options.fromBeginning ?? true };
  if (options.maxBatchSize !== undefined) consumerOptions.maxBatchSize = options.maxBatchSize;
  const consumer: LogConsumer = await log.consume(consumerOptions, async (batch) => {
    const deliveryIndex = deliveries.push(batch) - 1;
    await options.onBatch?.(batch, deliveryIndex);
    accepted.push(...batch);
  });

  return {
    groupId,
    deliveries,
    accepted,
    waitUntil: async (predicate, what = conditionText(predicate)) => {
      await pollUntil(`group ${groupId}'s deliveries to satisfy ${what}`, predicate, { timeoutMs: 120_000, intervalMs: 10 });
    },
    close: () => consumer.close(),
  };
}

/** Consumes `topics` with a fresh group until `count` records were accepted; returns them. */
export async function readRecords(log: EventLog, topics: readonly string[], count: number): Promise<LogRecord[]> {
  const collector = await startCollector(log, { topics, fromBeginning: true });
  await collector.waitUntil(() => collector.accepted.length >= count);
  await collector.close();
  return collector.accepted;
}

/** A promise and its resolve, for holding a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits for a predicate over several collectors (the members of one group). */
export async function waitUntilAcross(collectors: readonly Collector[], predicate: () => boolean, what = conditionText(predicate)): Promise<void> {
  await pollUntil(`${collectors.length} collectors' deliveries to satisfy ${what}`, predicate, { timeoutMs: 120_000, intervalMs: 10 });
}
