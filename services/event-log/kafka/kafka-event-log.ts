import { Kafka, logLevel, type Admin } from 'kafkajs';
import { OcError } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { BatchHandler, ConsumerOptions, EventLog, LogConsumer, ProduceRecord, RecordPosition, TopicSpec } from '../port.ts';
import { invalidRecordReason, validateConsumerOptions } from '../sqlite/validation.ts';
import { BatchingProducer } from './batching-producer.ts';
import { uncommittedEnds } from './group-start.ts';
import { KafkaLogConsumer } from './kafka-consumer.ts';
import { pinoLogCreator } from './kafka-logging.ts';
import {
  DEFAULT_MAX_PRODUCE_BATCH_BYTES,
  DEFAULT_TOPIC_METADATA_MAX_AGE_MS,
  resolveConsumerTuning,
  validateKafkaOptions,
  type KafkaEventLogOptions,
  type ResolvedConsumerTuning,
} from './kafka-options.ts';
import { TopicDirectory } from './topic-directory.ts';

export type { KafkaEventLogOptions } from './kafka-options.ts';

const DEFAULT_MAX_BATCH_SIZE = 500;

type LifeState = 'open' | 'closing' | 'closed';

/**
 * The event log on Apache Kafka (DESIGN.md "Ports"): topics with partitions, records
 * keyed by device id (one device's records share a partition and keep their order),
 * acks=all idempotent produce batched per event-loop turn, consumer groups that commit
 * after the handler (at least once). Unlike the embedded log, one group may have several
 * members, in this process or others: Kafka spreads the partitions over them.
 */
export class KafkaEventLog implements EventLog {
  private state: LifeState = 'open';
  private closing: Promise<void> | undefined;
  private readonly consumers = new Set<KafkaLogConsumer>();

  private constructor(
    private readonly kafka: Kafka,
    private readonly admin: Admin,
    private readonly directory: TopicDirectory,
    private readonly producer: BatchingProducer,
    private readonly logger: Logger,
    private readonly tuning: ResolvedConsumerTuning,
    private readonly options: KafkaEventLogOptions,
  ) {}

  /** Connects the admin client and the producer; rejects with OC_LOG_CONNECT_FAILED when no broker answers. */
  static async connect(options: KafkaEventLogOptions): Promise<KafkaEventLog> {
    validateKafkaOptions(options);
    const logger = (options.logger ?? createLogger('event-log')).child({ component: 'kafka-event-log' });
    const kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      logLevel: logLevel.INFO,
      logCreator: pinoLogCreator(logger),
      ...(options.retry ? { retry: options.retry } : {}),
    });
    const admin = kafka.admin(options.retry ? { retry: options.retry } : {});
    const directory = new TopicDirectory(admin, logger, options.topicMetadataMaxAgeMs ?? DEFAULT_TOPIC_METADATA_MAX_AGE_MS, options.replicationFactor);
    const producer = new BatchingProducer({
      kafka,
      directory,
      logger,
      maxBatchBytes: options.maxProduceBatchBytes ?? DEFAULT_MAX_PRODUCE_BATCH_BYTES,
      retry: options.retry,
    });
    try {
      await admin.connect();
      await producer.start();
    } catch (cause) {
      await Promise.allSettled([producer.close(), admin.disconnect()]);
      throw new OcError('OC_LOG_CONNECT_FAILED', `${options.brokers.join(',')}: ${(cause as Error).message}`, { brokers: options.brokers }, { cause });
    }
    logger.info({ brokers: options.brokers, clientId: options.clientId }, 'connected to Kafka');
    return new KafkaEventLog(kafka, admin, directory, producer, logger, resolveConsumerTuning(options.consumer), options);
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    await this.directory.ensure(specs);
  }

  append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    // Appends stay open while closing: consumers finishing their last batch may still produce.
    if (this.state === 'closed') return Promise.reject(new OcError('OC_LOG_CLOSED'));
    // Checked per caller before queueing, so one malformed record fails its own append,
    // not the shared produce request of everyone else.
    for (let i = 0; i < records.length; i++) {
      const reason = invalidRecordReason(records[i]!);
      if (reason !== undefined) {
        return Promise.reject(new OcError('OC_LOG_APPEND_FAILED', `record ${i}: ${reason}`, { topic, index: i }));
      }
    }
    if (records.length === 0) {
      // Nothing to send, but an unknown topic is still the caller's mistake to hear about.
      return this.directory.partitionsOf(topic).then((partitions) => {
        if (!partitions) throw new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic });
        return [];
      });
    }
    return this.producer.enqueue(topic, records);
  }

  async consume(options: ConsumerOptions, handler: BatchHandler): Promise<LogConsumer> {
    this.assertOpen();
    validateConsumerOptions(options);
    const { groupId, topics } = options;
    for (const topic of topics) {
      if (!(await this.directory.partitionsOf(topic))) throw new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic, groupId });
    }
    const fromBeginning = options.fromBeginning ?? false;
    const pinnedStarts = fromBeginning ? [] : await uncommittedEnds(this.admin, groupId, topics);
    const consumer: KafkaLogConsumer = await KafkaLogConsumer.start({
      kafka: this.kafka,
      groupId,
      topics,
      fromBeginning,
      maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      handler,
      logger: this.logger.child({ groupId }),
      tuning: this.tuning,
      retry: this.options.retry,
      pinnedStarts,
      onStopped: () => this.consumers.delete(consumer),
    });
    if (this.state !== 'open') {
      // close() began while this member was joining; it is not in the set close() waited for.
      await consumer.close();
      throw new OcError('OC_LOG_CLOSED');
    }
    this.consumers.add(consumer);
    return consumer;
  }

  /**
   * Closes the consumers (each finishes and commits its batch, then leaves its group),
   * then sends what is still queued and disconnects the producer, then the admin client.
   * Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    const consumerResults = await Promise.allSettled([...this.consumers].map((consumer) => consumer.close()));
    this.state = 'closed';
    // Whatever a consumer's last batch appended is sent, not dropped.
    const results = [...consumerResults, ...(await Promise.allSettled([this.producer.close()])), ...(await Promise.allSettled([this.admin.disconnect()]))];
    for (const result of results) {
      if (result.status === 'rejected') this.logger.warn({ err: result.reason }, 'error while closing the Kafka event log');
    }
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new OcError('OC_LOG_CLOSED');
  }
}
