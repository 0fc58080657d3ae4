/**
 * The event log port. Shaped after Kafka so that the kafkajs adapter fits behind
 * it unchanged: topics with partitions, records keyed by device id, offsets per
 * partition, consumer groups that commit offsets only after their handler has
 * processed a batch (at-least-once).
 */

export interface TopicSpec {
  name: string;
  /** Embedded adapter keeps one partition; Kafka uses this many. */
  partitions?: number;
  /** How long records are kept; undefined keeps them for ever. */
  retentionMs?: number;
}

export interface ProduceRecord {
  /** Partitioning key; records with one key keep their order. */
  key: string | null;
  value: Buffer | string;
  headers?: Record<string, string>;
  /** Milliseconds since epoch; the log's clock when absent. */
  timestamp?: number;
}

export interface RecordPosition {
  topic: string;
  partition: number;
  offset: number;
}

export interface LogRecord extends RecordPosition {
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: number;
}

export interface ConsumerOptions {
  groupId: string;
  topics: readonly string[];
  /** For a group with no committed offset: start at the oldest record (true) or only new ones (false, default). */
  fromBeginning?: boolean;
  /** Upper bound on records handed to one handler call. */
  maxBatchSize?: number;
}

/**
 * Processes one batch of records from one topic-partition, in offset order.
 * Resolving commits the batch; throwing leaves it uncommitted so it is handed
 * out again (after a back-off), which is why handlers must be idempotent.
 */
export type BatchHandler = (batch: readonly LogRecord[]) => Promise<void>;

export interface LogConsumer {
  /** Stops after the batch in progress has been handled and committed. */
  close(): Promise<void>;
}

export interface EventLog {
  ensureTopics(specs: readonly TopicSpec[]): Promise<void>;
  /**
   * Resolves once the records are durable (the log "accepted" them), with
   * their positions in the order given. Appends from one caller keep their order.
   */
  append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]>;
  consume(options: ConsumerOptions, handler: BatchHandler): Promise<LogConsumer>;
  /** Closes consumers first (letting them commit), then the storage. */
  close(): Promise<void>;
}
