import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { OcError } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import type { BatchHandler, ConsumerOptions, EventLog, LogConsumer, ProduceRecord, RecordPosition, TopicSpec } from '../port.ts';
import { GroupCommitAppender } from './group-commit-appender.ts';
import { RetentionSweeper } from './retention-sweeper.ts';
import { migrate } from './schema.ts';
import { SqliteConsumer } from './sqlite-consumer.ts';
import { EMBEDDED_PARTITION, prepareStatements, type Statements } from './statements.ts';
import { invalidRecordReason, validateConsumerOptions, validateOpenOptions, validateTopicSpec } from './validation.ts';

export interface SqliteEventLogOptions {
  /** Database file, or ':memory:' (then nothing survives close and no other process can share it). */
  path: string;
  /** FULL (default): an append is durable across power loss when it resolves. NORMAL: across a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
  clock?: Clock;
  logger?: Logger;
  /** Idle consumers re-read this often to see appends made by other processes (default 1000). */
  pollIntervalMs?: number;
  /** How often expired records are deleted (default 60 000). */
  retentionSweepIntervalMs?: number;
  /** How long a write waits for another process holding the file's write lock (default 5000). */
  busyTimeoutMs?: number;
}

export interface SqliteStorageSettings {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  busyTimeoutMs: number;
}

const DEFAULT_MAX_BATCH_SIZE = 500;
const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

type LifeState = 'open' | 'closing' | 'closed';

/**
 * The embedded event log: a durable append-only log in one SQLite file (WAL mode).
 * Kafka semantics with one partition (0) per topic: offsets from 0, consumer groups with
 * committed offsets, at-least-once delivery. See DESIGN.md "Ports".
 */
export class SqliteEventLog implements EventLog {
  private state: LifeState = 'open';
  private closing: Promise<void> | undefined;
  private readonly knownTopics = new Set<string>();
  /** One active consumer per group in this process (the single partition cannot be shared). */
  private readonly consumers = new Map<string, SqliteConsumer>();
  private readonly appender: GroupCommitAppender;
  private readonly sweeper: RetentionSweeper;

  private constructor(
    private readonly db: Database.Database,
    private readonly statements: Statements,
    clock: Clock,
    private readonly logger: Logger,
    private readonly pollIntervalMs: number,
    retentionSweepIntervalMs: number,
  ) {
    for (const { name } of statements.listTopics.all()) this.knownTopics.add(name);
    this.appender = new GroupCommitAppender(db, statements, clock, (topics) => this.wakeConsumers(topics));
    this.sweeper = new RetentionSweeper(db, statements, clock, logger, retentionSweepIntervalMs);
  }

  static open(options: SqliteEventLogOptions): SqliteEventLog {
    validateOpenOptions(options);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    const db = new Database(options.path, { timeout: busyTimeoutMs });
    try {
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      migrate(db);
      const logger = (options.logger ?? createLogger('event-log')).child({ component: 'sqlite-event-log' });
      return new SqliteEventLog(
        db,
        prepareStatements(db),
        options.clock ?? systemClock,
        logger,
        options.pollIntervalMs ?? 1_000,
        options.retentionSweepIntervalMs ?? 60_000,
      );
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of specs) validateTopicSpec(spec);
    this.db.transaction(() => {
      for (const spec of specs) {
        // Kafka would create spec.partitions; the embedded log always has exactly one.
        this.statements.upsertTopic.run(spec.name, 1, spec.retentionMs ?? null);
        this.statements.createPartition.run(spec.name, EMBEDDED_PARTITION);
      }
    }).immediate();
    for (const spec of specs) this.knownTopics.add(spec.name);
  }

  append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    // Appends stay open while closing: consumers finishing their last batch may still produce.
    if (this.state === 'closed') return Promise.reject(new OcError('OC_LOG_CLOSED'));
    if (!this.hasTopic(topic)) return Promise.reject(new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic }));
    // Checked per caller before queueing, so one malformed record fails its own append
    // instead of the shared group-commit transaction of everyone else.
    for (let i = 0; i < records.length; i++) {
      const reason = invalidRecordReason(records[i]!);
      if (reason !== undefined) {
        return Promise.reject(new OcError('OC_LOG_APPEND_FAILED', `record ${i}: ${reason}`, { topic, index: i }));
      }
    }
    if (records.length === 0) return Promise.resolve([]);
    return this.appender.enqueue(topic, records);
  }

  async consume(options: ConsumerOptions, handler: BatchHandler): Promise<LogConsumer> {
    this.assertOpen();
    validateConsumerOptions(options);
    const { groupId, topics } = options;
    for (const topic of topics) {
      if (!this.hasTopic(topic)) throw new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic, groupId });
    }
    if (this.consumers.has(groupId)) throw new OcError('OC_LOG_GROUP_BUSY', groupId, { groupId });

    const startOffsets = this.db.transaction(() => this.resolveStartOffsets(groupId, topics, options.fromBeginning ?? false)).immediate();
    const consumer = new SqliteConsumer({
      groupId,
      startOffsets,
      maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
      pollIntervalMs: this.pollIntervalMs,
      handler,
      statements: this.statements,
      logger: this.logger.child({ groupId }),
      onStopped: () => {
        if (this.consumers.get(groupId) === consumer) this.consumers.delete(groupId);
      },
    });
    this.consumers.set(groupId, consumer);
    return consumer;
  }

  /** Closes consumers (each finishes and commits its batch), then flushes pending appends, then the file. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  /** Deletes expired records now instead of waiting for the timer; resolves with how many. */
  async sweepRetention(): Promise<number> {
    this.assertOpen();
    return this.sweeper.sweep();
  }

  /** What the connection actually runs with (for health pages and tests). */
  storageSettings(): SqliteStorageSettings {
    this.assertOpen();
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    return {
      journalMode: this.db.pragma('journal_mode', { simple: true }) as string,
      synchronous: SYNCHRONOUS_NAMES[synchronous] ?? 'FULL',
      busyTimeoutMs: this.db.pragma('busy_timeout', { simple: true }) as number,
    };
  }

  private async shutDown(): Promise<void> {
    this.state = 'closing';
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.close()));
    await this.sweeper.stop();
    this.state = 'closed';
    // Whatever was queued in this turn (e.g. by a consumer's last batch) is committed, not dropped.
    this.appender.flush();
    this.db.close();
  }

  /**
   * A group with a committed offset resumes there. A new group starts at 0 or at the current
   * end, and that start is committed at once: otherwise a group that restarts before its first
   * commit would skip ("fromBeginning: false") whatever arrived in between.
   */
  private resolveStartOffsets(groupId: string, topics: readonly string[], fromBeginning: boolean): Map<string, number> {
    const { committedOffset, partitionEnd, commitOffset } = this.statements;
    const offsets = new Map<string, number>();
    for (const topic of topics) {
      const committed = committedOffset.get(groupId, topic, EMBEDDED_PARTITION)?.next_offset;
      if (committed !== undefined) {
        offsets.set(topic, committed);
        continue;
      }
      const start = fromBeginning ? 0 : (partitionEnd.get(topic, EMBEDDED_PARTITION)?.next_offset ?? 0);
      commitOffset.run(groupId, topic, EMBEDDED_PARTITION, start);
      offsets.set(topic, start);
    }
    return offsets;
  }

  /** Topics are cached; a miss is re-checked in the file, where another process may have created it. */
  private hasTopic(topic: string): boolean {
    if (this.knownTopics.has(topic)) return true;
    if (this.statements.topicExists.get(topic) === undefined) return false;
    this.knownTopics.add(topic);
    return true;
  }

  private wakeConsumers(topics: Iterable<string>): void {
    if (this.consumers.size === 0) return;
    for (const topic of topics) {
      for (const consumer of this.consumers.values()) consumer.notifyAppended(topic);
    }
  }

  private assertOpen(): void {
    if (this.state !== 'open') throw new OcError('OC_LOG_CLOSED');
  }
}
