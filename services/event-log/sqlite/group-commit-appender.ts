import type { Database, Transaction } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import { OcError } from '../../shared/errors.ts';
import type { ProduceRecord, RecordPosition } from '../port.ts';
import { EMBEDDED_PARTITION, type Statements } from './statements.ts';

interface PendingAppend {
  topic: string;
  records: readonly ProduceRecord[];
  resolve: (positions: RecordPosition[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: every append made in one event-loop turn, from any number of callers,
 * is written in ONE transaction on the next setImmediate. A synchronous=FULL commit
 * costs an fsync, so one fsync per turn instead of one per MQTT message is what lets
 * the gateway PUBACK quickly. Callers are resolved only after the commit returned,
 * i.e. once their records are durable; order across callers is call order.
 */
export class GroupCommitAppender {
  private pending: PendingAppend[] = [];
  private flushScheduled = false;
  /** topic -> offsets to reserve, then -> next offset to hand out; reused by every flush. */
  private readonly cursors = new Map<string, number>();
  private readonly writeBatch: Transaction<(batch: readonly PendingAppend[]) => RecordPosition[][]>;

  constructor(
    db: Database,
    private readonly statements: Statements,
    private readonly clock: Clock,
    /** Called after each successful commit with the topics it wrote; must not keep the iterable. */
    private readonly onCommitted: (topics: Iterable<string>) => void,
  ) {
    this.writeBatch = db.transaction((batch) => this.write(batch));
  }

  enqueue(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    return new Promise((resolve, reject) => {
      this.pending.push({ topic, records, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Commits everything queued so far; also called directly by close() before the database goes. */
  readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let positions: RecordPosition[][];
    try {
      // IMMEDIATE takes the write lock up front: another process on the same file then
      // waits on busy_timeout instead of failing with a lock upgrade deadlock.
      positions = this.writeBatch.immediate(batch);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      const topics = [...new Set(batch.map((append) => append.topic))];
      const error = new OcError('OC_LOG_APPEND_FAILED', reason, { topics, appends: batch.length }, { cause });
      for (const append of batch) append.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i]!.resolve(positions[i]!);
    this.onCommitted(this.cursors.keys());
  };

  private write(batch: readonly PendingAppend[]): RecordPosition[][] {
    const { cursors, statements } = this;
    cursors.clear();
    for (const append of batch) cursors.set(append.topic, (cursors.get(append.topic) ?? 0) + append.records.length);
    // One UPDATE per topic per transaction reserves a contiguous run of offsets. Reading the
    // partition head inside the write transaction (rather than trusting a counter kept in
    // memory) keeps offsets right when another process appends to the same file.
    for (const [topic, count] of cursors) {
      const head = statements.reserveOffsets.get(count, topic, EMBEDDED_PARTITION);
      if (head === undefined) throw new OcError('OC_LOG_UNKNOWN_TOPIC', topic, { topic });
      cursors.set(topic, head.next_offset - count);
    }

    const now = this.clock.now();
    const results = new Array<RecordPosition[]>(batch.length);
    for (let i = 0; i < batch.length; i++) {
      const { topic, records } = batch[i]!;
      let offset = cursors.get(topic)!;
      const positions = new Array<RecordPosition>(records.length);
      for (let j = 0; j < records.length; j++) {
        const record = records[j]!;
        statements.insertRecord.run(
          topic,
          EMBEDDED_PARTITION,
          offset,
          record.key,
          typeof record.value === 'string' ? Buffer.from(record.value) : record.value,
          record.headers === undefined ? null : JSON.stringify(record.headers),
          record.timestamp ?? now,
        );
        positions[j] = { topic, partition: EMBEDDED_PARTITION, offset };
        offset++;
      }
      cursors.set(topic, offset);
      results[i] = positions;
    }
    return results;
  }
}
