import type Database from 'better-sqlite3';
import { OcError } from '../../../services/shared/errors.ts';
import { openAgentDatabase, type AgentDatabaseOptions } from '../../outbox/agent-database.ts';

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
  save(cursor: DoorCursor): void;
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
}

/** `path` is usually the agent's outbox file: the cursor then lives and dies with the outbox it describes. */
export type CursorDatabaseOptions = AgentDatabaseOptions;

/**
 * Cursors of many controllers in one SQLite file (an edge box runs several
 * agents), in a table of their own. Opening the outbox's file works: SQLite in
 * WAL mode lets this connection and the outbox's take turns writing.
 */
export class CursorDatabase {
  private readonly db: Database.Database;
  private readonly readStmt;
  private readonly writeStmt;

  private constructor(options: CursorDatabaseOptions) {
    this.db = openAgentDatabase(options);
    this.db.exec(`CREATE TABLE IF NOT EXISTS door_cursor (
      device_id  TEXT PRIMARY KEY,
      journal_id TEXT NOT NULL,
      seq        INTEGER NOT NULL
    ) STRICT`);
    this.readStmt = this.db.prepare<[string], { journal_id: string; seq: number }>('SELECT journal_id, seq FROM door_cursor WHERE device_id = ?');
    this.writeStmt = this.db.prepare(
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
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private assertOpen(): void {
    // The cursor is part of the agent's durable state; OC_OUTBOX_CLOSED is the same failure.
    if (!this.db.open) throw new OcError('OC_OUTBOX_CLOSED', 'door cursor database');
  }
}
