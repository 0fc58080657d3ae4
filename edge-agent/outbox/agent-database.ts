import Database from 'better-sqlite3';

/** Where an agent keeps its durable state, and how hard it holds on to it. */
export interface AgentDatabaseOptions {
  /** The SQLite file; created if missing. `:memory:` works for throwaway use. */
  path: string;
  /**
   * FULL (default) syncs every write to disk, so a power cut loses nothing the
   * driver was told is stored. NORMAL is faster in WAL mode but may lose the last
   * few writes on power loss (never corrupts); fine for simulators.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * Opens the agent's SQLite file the way every connection to it must: the outbox and
 * the door driver's cursors share one file, and an edge box may run several agent
 * processes on it. WAL lets those connections take turns writing while others read;
 * the busy timeout makes a connection wait for the writer instead of failing at once.
 */
export function openAgentDatabase(options: AgentDatabaseOptions): Database.Database {
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 5000');
  return db;
}
