import { Partitioners, type Kafka, type PartitionMetadata, type Producer, type RetryOptions } from 'kafkajs';
import { OcError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { ProduceRecord, RecordPosition } from '../port.ts';
import { planProduce, positionsFromResponse, type Partitioner, type ProducePlan } from './produce-positions.ts';
import type { TopicDirectory } from './topic-directory.ts';

interface PendingAppend {
  topic: string;
  records: readonly ProduceRecord[];
  bytes: number;
  resolve: (positions: RecordPosition[]) => void;
  reject: (error: unknown) => void;
}

export interface BatchingProducerSettings {
  kafka: Kafka;
  directory: TopicDirectory;
  logger: Logger;
  maxBatchBytes: number;
  retry: RetryOptions | undefined;
}

/**
 * Every append made in one event-loop turn goes out in ONE sendBatch (acks=all,
 * idempotent producer), and only one request is in flight at a time: appends made
 * meanwhile form the next request. That keeps call order across callers (kafkajs gives
 * no order between two concurrent sendBatch calls) and lets batches grow with load,
 * which is where the throughput comes from. A caller is resolved only with offsets the
 * broker acknowledged; any doubt rejects it (OC_LOG_APPEND_FAILED), and the gateway then
 * withholds its PUBACK, so the device resends: at least once, never a false success.
 */
export class BatchingProducer {
  private producer: Producer | undefined;
  private queue: PendingAppend[] = [];
  private scheduled = false;
  private sending = false;
  private idleWaiters: (() => void)[] = [];
  private readonly partitioner: Partitioner = Partitioners.DefaultPartitioner();

  constructor(private readonly settings: BatchingProducerSettings) {}

  /** Connects the first producer, so that a broker that is not there fails connect() rather than the first append. */
  async start(): Promise<void> {
    await this.connectedProducer();
  }

  enqueue(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, records, bytes: sizeOf(records), resolve, reject });
      if (!this.scheduled && !this.sending) {
        this.scheduled = true;
        // setImmediate, not a microtask: appends made by separate callbacks of one
        // event-loop phase (MQTT packets from several sockets) share the request.
        setImmediate(() => {
          this.scheduled = false;
          void this.sendLoop();
        });
      }
    });
  }

  /** Sends what is queued, waits for the request in flight, then disconnects. */
  async close(): Promise<void> {
    await this.drained();
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private drained(): Promise<void> {
    if (!this.scheduled && !this.sending && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async sendLoop(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) await this.send(this.takeBatch());
    } finally {
      this.sending = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Appends in call order up to maxBatchBytes (at least one), so one request stays under the broker's size limit. */
  private takeBatch(): PendingAppend[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length) {
      bytes += this.queue[count]!.bytes;
      if (count > 0 && bytes > this.settings.maxBatchBytes) break;
      count++;
    }
    return this.queue.splice(0, count);
  }

  /** Settles every append of `batch`; never throws. */
  private async send(batch: PendingAppend[]): Promise<void> {
    const partitions = await this.lookUpTopics(batch);
    const sendable = batch.filter((append) => partitions.has(append.topic));
    if (sendable.length === 0) return;

    let plan: ProducePlan | undefined;
    try {
      plan = planProduce(sendable, (topic) => partitions.get(topic)!, this.partitioner);
      const producer = await this.connectedProducer();
      const response = await producer.sendBatch({ topicMessages: plan.topicMessages, acks: -1 });
      const positions = positionsFromResponse(plan, response);
      for (let i = 0; i < sendable.length; i++) sendable[i]!.resolve(positions[i]!);
    } catch (cause) {
      // A failed idempotent producer may hold sequence numbers the broker never saw (or saw
      // without our knowing); a fresh producer id starts clean instead of risking
      // OUT_OF_ORDER_SEQUENCE_NUMBER on every later request.
      this.discardProducer();
      const topics = [...new Set(sendable.map((append) => append.topic))];
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.settings.logger.error({ err: cause, topics, appends: sendable.length }, 'produce failed; appends rejected');
      const error = new OcError('OC_LOG_APPEND_FAILED', reason, { topics, appends: sendable.length }, { cause });
      for (const append of sendable) append.reject(error);
      this.rejectQueued(error);
    }
  }

  /**
   * What waits behind a failed request fails with it. Sending it would let a device's
   * later messages into the log before the earlier ones its resend will bring: the
   * gateway withholds all their PUBACKs instead, and the device resends in order.
   */
  private rejectQueued(error: OcError): void {
    for (const append of this.queue.splice(0)) append.reject(error);
  }

  /** Partition lists of the batch's topics; appends to unknown topics (or unreachable metadata) are rejected here. */
  private async lookUpTopics(batch: readonly PendingAppend[]): Promise<Map<string, PartitionMetadata[]>> {
    const found = new Map<string, PartitionMetadata[]>();
    for (const topic of new Set(batch.map((append) => append.topic))) {
      let error: OcError | undefined;
      try {
        const partitions = await this.settings.directory.partitionsOf(topic);
        if (partitions) found.set(topic, partitions);
        else error = new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic });
      } catch (cause) {
        error = new OcError('OC_LOG_APPEND_FAILED', `topic metadata for ${topic}: ${(cause as Error).message}`, { topic }, { cause });
      }
      if (error) {
        for (const append of batch) if (append.topic === topic) append.reject(error);
        if (error.code === 'OC_LOG_APPEND_FAILED') this.rejectQueued(error);
      }
    }
    return found;
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.settings.kafka.producer({
      idempotent: true,
      // One request in flight per broker: required by the idempotent producer, and what keeps retries in order.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(this.settings.retry ? { retry: this.settings.retry } : {}),
    });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw err;
    }
    this.producer = producer;
    return producer;
  }

  private discardProducer(): void {
    const producer = this.producer;
    this.producer = undefined;
    producer?.disconnect().catch((err: unknown) => this.settings.logger.warn({ err }, 'disconnecting the failed producer failed'));
  }
}

function sizeOf(records: readonly ProduceRecord[]): number {
  let bytes = 0;
  for (const record of records) {
    bytes += typeof record.value === 'string' ? Buffer.byteLength(record.value) : record.value.length;
    bytes += record.key === null ? 0 : Buffer.byteLength(record.key);
  }
  return bytes;
}
