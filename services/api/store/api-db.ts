import Database, { type Database as Db } from 'better-sqlite3';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';

/**
 * The API's own SQLite file (`data/api.db`): sign-in sessions and the answers to
 * ticket actions by action id. Separate from the alerting store because it is the
 * API's state, not the tickets'; both survive a restart of the process.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY, login TEXT NOT NULL,
     created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL);
   CREATE INDEX sessions_by_created ON sessions(created_at);
   CREATE TABLE action_results (
     action_id TEXT PRIMARY KEY, request_hash TEXT NOT NULL,
     status INTEGER NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL);
   CREATE INDEX action_results_by_time ON action_results(at);`,
];

export function openApiDb(path: string): Db {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  // WAL with NORMAL survives a process crash; a power cut may cost the last sessions (a new sign-in) or
  // action answers (the ticket remembers applied action ids itself), never ticket data.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  applyMigrations(db, MIGRATIONS, 'API store file');
}
