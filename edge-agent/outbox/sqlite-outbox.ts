import type Database from 'better-sqlite3';
import { OcError } from '../../services/shared/errors.ts';
import { openAgentDatabase, type AgentDatabase, type AgentDatabaseOptions } from './agent-database.ts';
import type { AlsoInTransaction, Outbox, OutboxEntry, OutboxMessage } from './outbox.ts';

export type OutboxDatabaseOptions = AgentDatabaseOptions;

interface EntryRow {
  id: number;
  seq: number;
  topic: string;
  payload: Buffer;
  qos: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox_seq (
    device_id TEXT PRIMARY KEY,
    next_seq  INTEGER NOT NULL
  ) STRICT;
  -- AUTOINCREMENT: ids are never reused, even after the newest entry is acked and
  -- deleted; the agent's send cursor relies on ids only ever growing.
  CREATE TABLE IF NOT EXISTS outbox_entry (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    device_id TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    topic     TEXT    NOT NULL,
    qos       INTEGER NOT NULL,
    payload   BLOB    NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS outbox_entry_by_device ON outbox_entry (device_id, id);
`;

/**
 * One SQLite file holding the outboxes of many devices (an edge gateway box runs
 * several agents). The per-device seq counter lives in its own table so that it
 * survives acks deleting every entry.
 */
export class OutboxDatabase {
  private readonly file: AgentDatabase;
  private readonly db: Database.Database;
  private readonly statements;
  private readonly enqueueTx;

  private constructor(options: OutboxDatabaseOptions) {
    this.file = openAgentDatabase(options);
    this.db = this.file.connection;
    this.db.exec(SCHEMA);
    this.statements = {
      ensureCounter: this.db.prepare('INSERT OR IGNORE INTO outbox_seq (device_id, next_seq) VALUES (?, 0)'),
      readCounter: this.db.prepare<[string], { next_seq: number }>('SELECT next_seq FROM outbox_seq WHERE device_id = ?'),
      bumpCounter: this.db.prepare('UPDATE outbox_seq SET next_seq = ? WHERE device_id = ?'),
      insert: this.db.prepare('INSERT INTO outbox_entry (device_id, seq, topic, qos, payload) VALUES (?, ?, ?, ?, ?)'),
      peek: this.db.prepare<[string, number, number], EntryRow>(
        'SELECT id, seq, topic, payload, qos FROM outbox_entry WHERE device_id = ? AND id > ? ORDER BY id LIMIT ?',
      ),
      ack: this.db.prepare('DELETE FROM outbox_entry WHERE device_id = ? AND id = ?'),
      size: this.db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM outbox_entry WHERE device_id = ?'),
    };
    // Seq allocation, the insert and the caller's side effect are one transaction: a crash
    // leaves neither a gap nor a reused seq, nor an entry without its side effect or the reverse.
    this.enqueueTx = this.db.transaction(
      (deviceId: string, build: (seq: number) => OutboxMessage, alsoInTransaction: AlsoInTransaction | undefined): OutboxEntry => {
        this.statements.ensureCounter.run(deviceId);
        const seq = this.readSeq(deviceId);
        const message = build(seq);
        this.statements.bumpCounter.run(seq + 1, deviceId);
        const result = this.statements.insert.run(deviceId, seq, message.topic, message.qos, message.payload);
        alsoInTransaction?.();
        return { id: Number(result.lastInsertRowid), seq, topic: message.topic, payload: message.payload, qos: message.qos };
      },
    );
  }

  static open(options: OutboxDatabaseOptions): OutboxDatabase {
    return new OutboxDatabase(options);
  }

  /** The outbox of one device in this file; closing it leaves the file open for the others. */
  outboxFor(deviceId: string): SqliteOutbox {
    return new SqliteOutbox(this, deviceId, false);
  }

  get isOpen(): boolean {
    return this.file.isOpen;
  }

  /** Lets go of the file; its connection stays open while other stores in it (drivers' cursors) still use it. */
  close(): void {
    this.file.close();
  }

  /** @internal */
  enqueue(deviceId: string, build: (seq: number) => OutboxMessage, alsoInTransaction?: AlsoInTransaction): OutboxEntry {
    // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
    return this.enqueueTx.immediate(deviceId, build, alsoInTransaction);
  }

  /** @internal */
  peek(deviceId: string, afterId: number, limit: number): OutboxEntry[] {
    if (limit <= 0) return [];
    return this.statements.peek.all(deviceId, afterId, limit).map((row) => ({
      id: row.id,
      seq: row.seq,
      topic: row.topic,
      payload: row.payload,
      qos: row.qos === 0 ? 0 : 1,
    }));
  }

  /** @internal */
  ack(deviceId: string, id: number): void {
    this.statements.ack.run(deviceId, id);
  }

  /** @internal */
  size(deviceId: string): number {
    return this.statements.size.get(deviceId)?.n ?? 0;
  }

  /** @internal */
  readSeq(deviceId: string): number {
    return this.statements.readCounter.get(deviceId)?.next_seq ?? 0;
  }
}

export interface SqliteOutboxOptions extends OutboxDatabaseOptions {
  deviceId: string;
}

/** The durable Outbox of one device, a view on an OutboxDatabase. */
export class SqliteOutbox implements Outbox {
  private closed = false;

  /** @internal use SqliteOutbox.open or OutboxDatabase.outboxFor */
  constructor(
    private readonly database: OutboxDatabase,
    readonly deviceId: string,
    private readonly ownsDatabase: boolean,
  ) {}

  /** A one-device outbox that owns its file: closing the outbox closes the database. */
  static open(options: SqliteOutboxOptions): SqliteOutbox {
    const { deviceId, ...databaseOptions } = options;
    return new SqliteOutbox(OutboxDatabase.open(databaseOptions), deviceId, true);
  }

  enqueue(build: (seq: number) => OutboxMessage, alsoInTransaction?: AlsoInTransaction): OutboxEntry {
    this.assertOpen();
    return this.database.enqueue(this.deviceId, build, alsoInTransaction);
  }

  peek(afterId: number, limit: number): OutboxEntry[] {
    this.assertOpen();
    return this.database.peek(this.deviceId, afterId, limit);
  }

  ack(id: number): void {
    this.assertOpen();
    this.database.ack(this.deviceId, id);
  }

  size(): number {
    this.assertOpen();
    return this.database.size(this.deviceId);
  }

  nextSeq(): number {
    this.assertOpen();
    return this.database.readSeq(this.deviceId);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsDatabase) this.database.close();
  }

  private assertOpen(): void {
    if (this.closed || !this.database.isOpen) throw new OcError('OC_OUTBOX_CLOSED', this.deviceId);
  }
}
