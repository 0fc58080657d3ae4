import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../shared/sqlite-migrations.ts';

/**
 * Items (a tombstone keeps value NULL so versions never restart), the audit log
 * (append-only in the file itself, by triggers) and the outbox the relay drains to `oc.config`.
 */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE items (
     kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, value TEXT,
     updated_at INTEGER NOT NULL, updated_by TEXT NOT NULL, PRIMARY KEY (kind, id));
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, address TEXT,
     kind TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, op TEXT NOT NULL,
     before TEXT, after TEXT);
   CREATE INDEX audit_by_item ON audit(kind, id, seq);
   CREATE INDEX audit_by_actor ON audit(actor, seq);
   CREATE INDEX audit_by_time ON audit(at);
   CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
     BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
   CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
     BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
   CREATE TABLE outgoing (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL);`,
];

export function migrateConfigStore(db: Database): void {
  applyMigrations(db, MIGRATIONS, 'config store file');
}
