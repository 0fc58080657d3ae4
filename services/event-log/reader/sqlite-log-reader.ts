import Database from 'better-sqlite3';
import { OcError } from '../../shared/errors.ts';
import type { LogRecord } from '../port.ts';
import { toLogRecord, type RecordRow } from '../sqlite/statements.ts';

export interface ReadQuery {
  topic: string;
  /** Only records with this key (the device id on device topics). */
  key?: string | undefined;
  /** The newest `last` records, oldest first. */
  last: number;
}

/**
 * Reads the embedded event log file without joining a consumer group: a person looking
 * at dead letters or a device's envelopes must not move anyone's committed offsets.
 * Opened read-only, so it is safe beside a running `npm start`.
 */
export class SqliteLogReader {
  private constructor(private readonly db: Database.Database) {}

  static open(path: string): SqliteLogReader {
    try {
      return new SqliteLogReader(new Database(path, { readonly: true, fileMustExist: true }));
    } catch (err) {
      throw new OcError('OC_CONFIG_INVALID', `cannot open the event log file ${path}: ${(err as Error).message}`);
    }
  }

  /** Topics with how many records each holds now (retention may have removed older ones). */
  topics(): Array<{ topic: string; records: number }> {
    return this.db.prepare('SELECT t.name AS topic, (SELECT COUNT(*) FROM records r WHERE r.topic = t.name) AS records FROM topics t ORDER BY t.name').all() as Array<{ topic: string; records: number }>;
  }

  read(q: ReadQuery): LogRecord[] {
    // Across partitions "newest" is by append time; the offset breaks ties within one partition.
    const rows = (
      q.key === undefined
        ? this.db.prepare('SELECT offset, key, value, headers, timestamp FROM records WHERE topic = ? ORDER BY timestamp DESC, offset DESC LIMIT ?').all(q.topic, q.last)
        : this.db.prepare('SELECT offset, key, value, headers, timestamp FROM records WHERE topic = ? AND key = ? ORDER BY timestamp DESC, offset DESC LIMIT ?').all(q.topic, q.key, q.last)
    ) as RecordRow[];
    return rows.reverse().map((r) => toLogRecord(q.topic, r));
  }

  close(): void {
    this.db.close();
  }
}
