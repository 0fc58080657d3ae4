import { OcError } from '../../../services/shared/errors.ts';
import { openAgentDatabase, type AgentDatabase, type AgentDatabaseOptions } from '../../outbox/agent-database.ts';

/**
 * How far the agent has read a controller's journal: the last controller seq
 * whose event is in the agent's outbox, and which journal that seq belongs to
 * (a wiped or replaced controller starts a new journal and counts from 1 again).
 */
export interface DoorCursor {
  journalId: string;
  seq: number;
}

/** Where one controller's cursor is kept. Synchronous, like the outbox it follows. */
export interface DoorCursorStore {
  load(): DoorCursor | undefined;
  /** A cursor move of its own: no envelope goes with it (a skipped event). */
  save(cursor: DoorCursor): void;
  /**
   * A cursor move inside the agent's outbox transaction (EmitOptions.alsoInTransaction),
   * so it commits with the envelope of the event it moves past. Throws, which rolls
   * the envelope back too, when it cannot be part of that transaction.
   */
  saveInTransaction(cursor: DoorCursor): void;
}

/** For unit tests and throwaway agents: forgotten when the process ends. */
export class MemoryCursorStore implements DoorCursorStore {
  private cursor: DoorCursor | undefined;
  load(): DoorCursor | undefined {
    return this.cursor && { ...this.cursor };
  }
  save(cursor: DoorCursor): void {
    this.cursor = { ...cursor };
  }
  /** Nothing to commit: the MemoryOutbox runs this just before it stores the entry, and storing cannot fail. */
  saveInTransaction(cursor: DoorCursor): void {
    this.save(cursor);
  }
}

/** `path` is usually the agent's outbox file: the cursor then lives and dies with the outbox it describes. */
export type CursorDatabaseOptions = AgentDatabaseOptions;

/**
 * Cursors of many controllers in one SQLite file (an edge box runs several
 * agents), in a table of their own. Opened on the outbox's file, it shares the
 * outbox's connection (agent-database.ts), which is what lets a cursor move be
 * part of the outbox transaction that stores the envelope.
 */
export class CursorDatabase {
  private readonly file: AgentDatabase;
  private readonly readStmt;
  private readonly writeStmt;

  private constructor(options: CursorDatabaseOptions) {
    this.file = openAgentDatabase(options);
    const db = this.file.connection;
    db.exec(`CREATE TABLE IF NOT EXISTS door_cursor (
      device_id  TEXT PRIMARY KEY,
      journal_id TEXT NOT NULL,
      seq        INTEGER NOT NULL
    ) STRICT`);
    this.readStmt = db.prepare<[string], { journal_id: string; seq: number }>('SELECT journal_id, seq FROM door_cursor WHERE device_id = ?');
    this.writeStmt = db.prepare(
      'INSERT INTO door_cursor (device_id, journal_id, seq) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET journal_id = excluded.journal_id, seq = excluded.seq',
    );
  }

  static open(options: CursorDatabaseOptions): CursorDatabase {
    return new CursorDatabase(options);
  }

  /** The cursor of one controller; a view, closing the database closes them all. */
  storeFor(deviceId: string): DoorCursorStore {
    return {
      load: () => {
        this.assertOpen();
        const row = this.readStmt.get(deviceId);
        return row && { journalId: row.journal_id, seq: row.seq };
      },
      save: (cursor) => {
        this.assertOpen();
        this.writeStmt.run(deviceId, cursor.journalId, cursor.seq);
      },
      saveInTransaction: (cursor) => {
        this.assertOpen();
        // No transaction open on this connection means the outbox runs on another one
        // (this database is not on the outbox's file): a write here would commit on its
        // own and the exactly-once guarantee would silently be gone. Refuse instead.
        if (!this.file.connection.inTransaction) {
          throw new OcError('OC_CONFIG_INVALID', `door cursor of ${deviceId} is not in the agent's outbox file; open CursorDatabase on the outbox's path`);
        }
        this.writeStmt.run(deviceId, cursor.journalId, cursor.seq);
      },
    };
  }

  /** Lets go of the file; its connection stays open while the outbox in it still uses it. */
  close(): void {
    this.file.close();
  }

  private assertOpen(): void {
    // The cursor is part of the agent's durable state; OC_OUTBOX_CLOSED is the same failure.
    if (!this.file.isOpen) throw new OcError('OC_OUTBOX_CLOSED', 'door cursor database');
  }
}
