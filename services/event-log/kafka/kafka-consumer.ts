import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import type { Logger } from '../../shared/logger.ts';
import type { BatchHandler, LogConsumer, LogRecord } from '../port.ts';
import { pinStarts, type PartitionStart } from './group-start.ts';
import type { ResolvedConsumerTuning } from './kafka-options.ts';
import { toLogRecord } from './record-codec.ts';

/** Back-off after a failed batch, as the embedded log: 100 ms doubling up to 5 s, reset by the next success. */
export const RETRY_BACKOFF_INITIAL_MS = 100;
export const RETRY_BACKOFF_MAX_MS = 5_000;

/** kafkajs error types that mean "the group is rebalancing, rejoin" (kafkajs's isRebalancing). */
const REBALANCE_ERRORS = new Set(['REBALANCE_IN_PROGRESS', 'NOT_COORDINATOR_FOR_GROUP', 'ILLEGAL_GENERATION']);

export interface KafkaConsumerSettings {
  kafka: Kafka;
  groupId: string;
  topics: readonly string[];
  fromBeginning: boolean;
  maxBatchSize: number;
  handler: BatchHandler;
  logger: Logger;
  tuning: ResolvedConsumerTuning;
  retry: RetryOptions | undefined;
  /** fromBeginning false: where the partitions without a committed offset start (group-start.ts). */
  pinnedStarts: readonly PartitionStart[];
  /** Called once the consumer has left the group, so the log can forget it. */
  onStopped: () => void;
}

/**
 * One member of a Kafka consumer group. kafkajs fetches; we hand each topic-partition's
 * records to the handler in chunks of maxBatchSize, in offset order, and commit a chunk
 * only after the handler resolved (autoCommit off, nothing auto-resolved). A failed
 * chunk is left unresolved: after a back-off, kafkajs fetches the partition again from
 * the last resolved offset, so the same records come back.
 */
export class KafkaLogConsumer implements LogConsumer {
  private closing = false;
  private stopped: Promise<void> | undefined;
  /** Set when a heartbeat learned of a rebalance: finish the chunk, commit, return so kafkajs can rejoin. */
  private rebalanceSeen = false;
  private readonly failures = new Map<string, number>();
  private endBackOff: (() => void) | undefined;

  private constructor(
    private readonly settings: KafkaConsumerSettings,
    private readonly consumer: Consumer,
  ) {}

  /** Resolves once the member has joined the group and received its partitions. */
  static async start(settings: KafkaConsumerSettings): Promise<KafkaLogConsumer> {
    const { kafka, groupId, topics, fromBeginning, tuning, logger } = settings;
    const consumer = kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: tuning.sessionTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      ...(settings.retry ? { retry: settings.retry } : {}),
    });
    const self = new KafkaLogConsumer(settings, consumer);
    let assignment: Record<string, number[]> = {};
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      assignment = payload.memberAssignment;
      logger.debug({ memberId: payload.memberId, assignment }, 'joined consumer group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      logger.error({ err: payload.error, restart: payload.restart }, payload.restart ? 'consumer crashed; kafkajs restarts it' : 'consumer crashed and stays stopped');
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...topics], fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // One partition at a time per member: handlers (one store transaction per batch) need not be reentrant.
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => self.eachBatch(payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    await pinStarts(consumer, settings.pinnedStarts, assignment, logger);
    return self;
  }

  /**
   * Lets the chunk in progress finish and commit, cuts a back-off short, leaves the group
   * (so its partitions move to the other members at once), then resolves. Idempotent.
   */
  close(): Promise<void> {
    this.stopped ??= (async () => {
      this.closing = true;
      this.endBackOff?.();
      try {
        // kafkajs waits for the eachBatch in progress before it leaves the group.
        await this.consumer.disconnect();
      } finally {
        this.settings.onStopped();
      }
    })();
    return this.stopped;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const { maxBatchSize, logger, groupId } = this.settings;
    const records = batch.messages.map((message) => toLogRecord(topic, partition, message));
    this.rebalanceSeen = false;

    for (let start = 0; start < records.length; start += maxBatchSize) {
      // Stale: a seek is pending for this partition (group-start.ts); the next fetch starts there.
      if (this.closing || !isRunning() || isStale() || this.rebalanceSeen) return;
      const chunk = records.slice(start, start + maxBatchSize);
      // Computed before the handler runs: the handler gets the array and could change it.
      const lastOffset = chunk[chunk.length - 1]!.offset;
      const key = `${topic}/${partition}`;

      const failure = await this.withHeartbeats(payload, this.handle(chunk));
      if (failure !== undefined) {
        const attempt = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, attempt);
        logger.error(
          { err: failure, groupId, topic, partition, fromOffset: chunk[0]!.offset, toOffset: lastOffset, attempt },
          'batch handler failed; batch stays uncommitted and will be redelivered',
        );
        const delay = Math.min(RETRY_BACKOFF_INITIAL_MS * 2 ** (attempt - 1), RETRY_BACKOFF_MAX_MS);
        await this.withHeartbeats(payload, this.backOff(delay));
        return; // unresolved: kafkajs fetches this partition again from the failed chunk
      }
      this.failures.delete(key);

      resolveOffset(String(lastOffset));
      try {
        // Explicit offsets commit now, whatever autoCommit thresholds say; Kafka wants the NEXT offset.
        await commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: String(lastOffset + 1) }] }] });
      } catch (err) {
        // Handled but not committed: thrown so kafkajs rejoins/retries; after a rejoin the
        // chunk is fetched again from the last commit (at least once, never lost).
        logger.warn({ err, groupId, topic, partition, lastOffset }, 'offset commit failed; the batch may be redelivered');
        throw err;
      }
    }
  }

  /** Runs the handler; resolves with its error instead of throwing. */
  private async handle(chunk: readonly LogRecord[]): Promise<unknown> {
    try {
      await this.settings.handler(chunk);
      return undefined;
    } catch (err) {
      return err ?? new Error('batch handler threw a nullish value');
    }
  }

  /**
   * Keeps the membership alive while `work` runs: a handler slower than the session
   * timeout would otherwise get the member thrown out and its partitions reassigned
   * mid-batch. kafkajs throttles heartbeat() to heartbeatInterval itself.
   */
  private async withHeartbeats<T>(payload: EachBatchPayload, work: Promise<T>): Promise<T> {
    const beat = (): void => {
      payload.heartbeat().catch((err: unknown) => {
        if (REBALANCE_ERRORS.has((err as { type?: string }).type ?? '')) this.rebalanceSeen = true;
        else this.settings.logger.warn({ err, groupId: this.settings.groupId }, 'heartbeat during a batch failed');
      });
    };
    const timer = setInterval(beat, Math.max(100, Math.floor(this.settings.tuning.heartbeatIntervalMs / 2)));
    try {
      return await work;
    } finally {
      clearInterval(timer);
    }
  }

  /** Waits `ms`, or less when close() is called. */
  private backOff(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.endBackOff = undefined;
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.endBackOff = end;
    });
  }
}
