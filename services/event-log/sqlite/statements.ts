import type { Database, Statement } from 'better-sqlite3';
import type { LogRecord } from '../port.ts';

/** The single partition every embedded topic has (Kafka semantics, one partition). */
export const EMBEDDED_PARTITION = 0;

export interface TopicRow {
  name: string;
  retention_ms: number | null;
}

export interface RecordRow {
  offset: number;
  key: string | null;
  value: Buffer;
  headers: string | null;
  timestamp: number;
}

/** A row of `records` as the port's LogRecord (headers are stored as JSON text). */
export function toLogRecord(topic: string, row: RecordRow): LogRecord {
  return {
    topic,
    partition: EMBEDDED_PARTITION,
    offset: row.offset,
    key: row.key,
    value: row.value,
    headers: row.headers === null ? {} : (JSON.parse(row.headers) as Record<string, string>),
    timestamp: row.timestamp,
  };
}

/**
 * Every statement the log runs, prepared once per connection. Positional parameters
 * (not objects) so the append path binds without allocating.
 */
export interface Statements {
  listTopics: Statement<[], TopicRow>;
  topicExists: Statement<[string], { one: number }>;
  upsertTopic: Statement<[string, number, number | null]>;
  createPartition: Statement<[string, number]>;
  /** Reserves `count` offsets and returns the new next offset; the first reserved is next - count. */
  reserveOffsets: Statement<[number, string, number], { next_offset: number }>;
  partitionEnd: Statement<[string, number], { next_offset: number }>;
  insertRecord: Statement<[string, number, number, string | null, Buffer, string | null, number]>;
  readBatch: Statement<[string, number, number, number], RecordRow>;
  committedOffset: Statement<[string, string, number], { next_offset: number }>;
  commitOffset: Statement<[string, string, number, number]>;
  retainedTopics: Statement<[], { name: string; retention_ms: number }>;
  firstOffsetToKeep: Statement<[string, number, number, number], { keep_from: number | null }>;
  deleteBefore: Statement<[string, number, number]>;
}

export function prepareStatements(db: Database): Statements {
  return {
    listTopics: db.prepare('SELECT name, retention_ms FROM topics'),
    topicExists: db.prepare('SELECT 1 AS one FROM topics WHERE name = ?'),
    upsertTopic: db.prepare(
      `INSERT INTO topics (name, partitions, retention_ms) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET retention_ms = excluded.retention_ms`,
    ),
    createPartition: db.prepare('INSERT OR IGNORE INTO partitions (topic, partition, next_offset) VALUES (?, ?, 0)'),
    reserveOffsets: db.prepare(
      'UPDATE partitions SET next_offset = next_offset + ? WHERE topic = ? AND partition = ? RETURNING next_offset',
    ),
    partitionEnd: db.prepare('SELECT next_offset FROM partitions WHERE topic = ? AND partition = ?'),
    insertRecord: db.prepare(
      'INSERT INTO records (topic, partition, offset, key, value, headers, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    readBatch: db.prepare(
      `SELECT offset, key, value, headers, timestamp FROM records
       WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT ?`,
    ),
    committedOffset: db.prepare(
      'SELECT next_offset FROM committed_offsets WHERE group_id = ? AND topic = ? AND partition = ?',
    ),
    commitOffset: db.prepare(
      `INSERT INTO committed_offsets (group_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)
       ON CONFLICT (group_id, topic, partition) DO UPDATE SET next_offset = excluded.next_offset`,
    ),
    retainedTopics: db.prepare('SELECT name, retention_ms FROM topics WHERE retention_ms IS NOT NULL'),
    // Retention removes a prefix of the partition, like Kafka dropping old segments: it walks
    // from the oldest record (at most `limit` of them, to bound one sweep's work) and stops at
    // the first record young enough to keep. No timestamp index needed, so appends stay cheap.
    // Params: topic, partition, limit, cutoff timestamp.
    firstOffsetToKeep: db.prepare(
      `WITH head AS (
         SELECT offset, timestamp FROM records WHERE topic = ? AND partition = ? ORDER BY offset LIMIT ?
       )
       SELECT COALESCE((SELECT MIN(offset) FROM head WHERE timestamp >= ?), (SELECT MAX(offset) + 1 FROM head)) AS keep_from`,
    ),
    deleteBefore: db.prepare('DELETE FROM records WHERE topic = ? AND partition = ? AND offset < ?'),
  };
}
