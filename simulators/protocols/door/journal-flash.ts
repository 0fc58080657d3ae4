import type { ControllerEvent } from '../../../edge-agent/drivers/door/wire.ts';
import { openAgentDatabase, type AgentDatabase, type AgentDatabaseOptions } from '../../../edge-agent/outbox/agent-database.ts';

/** What a controller's journal holds when it powers up. */
export interface JournalImage {
  id: string;
  headSeq: number;
  /** The newest events still held, oldest first. */
  entries: ControllerEvent[];
}

/** A controller's flash: where its journal lives across power cycles. */
export interface JournalFlash {
  /** The journal as last written; undefined on a controller that never had one. */
  load(): JournalImage | undefined;
  /** A new, empty journal (first power-up, factory reset): the old one is gone. */
  format(id: string): void;
  append(id: string, event: ControllerEvent): void;
}

/** The default: forgotten with the process, as before journals were kept. */
export class VolatileFlash implements JournalFlash {
  load(): JournalImage | undefined {
    return undefined;
  }
  format(): void {}
  append(): void {}
}

/**
 * The flash of every simulated door controller of a fleet, in tables of the fleet's state
 * file (the agents' outbox file). With it a process restart is a power cycle for the
 * controllers: same journal id, seqs carry on, so the drivers resume from their durable
 * cursors instead of seeing a factory reset. It is the controllers' state, not the edge
 * box's, but it must live and die with the cursors that point into it: a fresh outbox
 * beside an old journal would have its drivers read the whole old journal again. Each
 * event is written as it is journalled, before any stream sees it, so the flash is never
 * behind what a driver has read.
 */
export class SqliteFlashBank {
  private readonly file: AgentDatabase;
  private readonly stmts;

  constructor(
    options: AgentDatabaseOptions,
    private readonly capacity: number,
  ) {
    this.file = openAgentDatabase(options);
    const db = this.file.connection;
    db.exec(`CREATE TABLE IF NOT EXISTS sim_door_journal (
      device_id  TEXT PRIMARY KEY,
      journal_id TEXT NOT NULL,
      head_seq   INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE IF NOT EXISTS sim_door_journal_event (
      device_id TEXT NOT NULL,
      seq       INTEGER NOT NULL,
      event     TEXT NOT NULL,
      PRIMARY KEY (device_id, seq)
    ) STRICT, WITHOUT ROWID`);
    this.stmts = {
      journal: db.prepare<[string], { journal_id: string; head_seq: number }>('SELECT journal_id, head_seq FROM sim_door_journal WHERE device_id = ?'),
      events: db.prepare<[string, number], { event: string }>('SELECT event FROM sim_door_journal_event WHERE device_id = ? AND seq > ? ORDER BY seq'),
      setJournal: db.prepare(
        'INSERT INTO sim_door_journal (device_id, journal_id, head_seq) VALUES (?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET journal_id = excluded.journal_id, head_seq = excluded.head_seq',
      ),
      dropEvents: db.prepare('DELETE FROM sim_door_journal_event WHERE device_id = ? AND seq <= ?'),
      addEvent: db.prepare('INSERT INTO sim_door_journal_event (device_id, seq, event) VALUES (?, ?, ?)'),
    };
  }

  /** The flash of one controller. */
  flashFor(deviceId: string): JournalFlash {
    const { stmts } = this;
    const capacity = this.capacity;
    const db = this.file.connection;
    const format = db.transaction((id: string) => {
      stmts.dropEvents.run(deviceId, Number.MAX_SAFE_INTEGER);
      stmts.setJournal.run(deviceId, id, 0);
    });
    const append = db.transaction((id: string, event: ControllerEvent) => {
      stmts.addEvent.run(deviceId, event.seq, JSON.stringify(event));
      stmts.setJournal.run(deviceId, id, event.seq);
      // Trim in batches, like the journal's ring, so a write is O(1) on average.
      if (event.seq % 256 === 0) stmts.dropEvents.run(deviceId, event.seq - capacity);
    });
    return {
      load: () => {
        const row = stmts.journal.get(deviceId);
        if (!row) return undefined;
        const entries = stmts.events.all(deviceId, row.head_seq - capacity).map((r) => JSON.parse(r.event) as ControllerEvent);
        return { id: row.journal_id, headSeq: row.head_seq, entries };
      },
      format: (id) => format(id),
      append: (id, event) => append(id, event),
    };
  }

  /** Lets go of the state file (its connection closes with its last user). */
  close(): void {
    this.file.close();
  }
}
