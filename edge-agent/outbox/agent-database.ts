import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** Where an agent keeps its durable state, and how hard it holds on to it. */
export interface AgentDatabaseOptions {
  /** The SQLite file; created if missing. `:memory:` works for throwaway use (never shared). */
  path: string;
  /**
   * FULL (default) syncs every write to disk, so a power cut loses nothing the
   * driver was told is stored. NORMAL is faster in WAL mode but may lose the last
   * few writes on power loss (never corrupts); fine for simulators.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/** One user's hold on the agent's SQLite connection; the connection closes with its last holder. */
export interface AgentDatabase {
  /** The connection shared by every store in this file; use it only while `isOpen`. */
  readonly connection: Database.Database;
  /** False once this holder closed, or the connection was closed under it. */
  readonly isOpen: boolean;
  /** Lets go of the connection; idempotent. */
  close(): void;
}

interface SharedConnection {
  db: Database.Database;
  synchronous: 'FULL' | 'NORMAL';
  holders: number;
}

/** Open connections of this process by file, so that every store in one file shares one. */
const connections = new Map<string, SharedConnection>();

/**
 * Opens the agent's SQLite file the way every user of it must. Within one process
 * every store in the file (the outbox, the drivers' cursors) gets the SAME
 * connection, for two reasons:
 *  - a write through one store can then be part of another's transaction (a door
 *    controller's cursor commits with the envelope it belongs to; see Outbox.enqueue);
 *  - two connections in one thread cannot take turns: a write on one while the other
 *    holds a transaction would wait out the busy timeout, blocking the event loop.
 * Across processes (an edge box may run several agents on one file) WAL lets the
 * connections take turns writing while others read, and the busy timeout makes a
 * connection wait for the writer instead of failing at once.
 */
export function openAgentDatabase(options: AgentDatabaseOptions): AgentDatabase {
  const synchronous = options.synchronous ?? 'FULL';
  const key = shareKey(options.path);
  let shared = key === undefined ? undefined : connections.get(key);
  if (!shared?.db.open) {
    shared = { db: connect(options.path, synchronous), synchronous, holders: 0 };
    if (key !== undefined) connections.set(key, shared);
  } else if (synchronous === 'FULL' && shared.synchronous === 'NORMAL') {
    // Whoever asks for more durability gets it; nobody gets less than they asked for.
    shared.db.pragma('synchronous = FULL');
    shared.synchronous = 'FULL';
  }
  return hold(shared, key);
}

function connect(path: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  return db;
}

function hold(shared: SharedConnection, key: string | undefined): AgentDatabase {
  shared.holders += 1;
  let held = true;
  return {
    connection: shared.db,
    get isOpen() {
      return held && shared.db.open;
    },
    close() {
      if (!held) return;
      held = false;
      shared.holders -= 1;
      if (shared.holders > 0) return;
      if (key !== undefined && connections.get(key) === shared) connections.delete(key);
      if (shared.db.open) shared.db.close();
    },
  };
}

/** The file's identity (its directory resolved through symlinks); undefined for in-memory and temporary databases. */
function shareKey(path: string): string | undefined {
  if (path === '' || path === ':memory:' || path.startsWith('file:')) return undefined;
  const absolute = resolve(path);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    // The directory does not exist: opening fails anyway, with SQLite's own error.
    return absolute;
  }
}
