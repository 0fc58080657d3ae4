import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';
import { REPORTS_MIGRATION } from './report-rows.ts';

/** Tables of the alerting store; `tickets_one_open_per_fingerprint` is what makes duplicate tickets impossible. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE tickets (
     id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL, category TEXT NOT NULL,
     priority TEXT NOT NULL, community_id TEXT, compound_id TEXT, device_id TEXT, staff_id TEXT,
     opened_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, version INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE UNIQUE INDEX tickets_one_open_per_fingerprint ON tickets(fingerprint)
     WHERE state IN ('open', 'acknowledged', 'dispatched', 'on_site');
   CREATE INDEX tickets_by_fingerprint ON tickets(fingerprint, opened_at);
   CREATE INDEX tickets_by_update ON tickets(updated_at);
   CREATE TABLE timeline (ticket_id TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
     PRIMARY KEY (ticket_id, seq));
   CREATE TABLE linked_events (ticket_id TEXT NOT NULL, event_id TEXT NOT NULL, at INTEGER NOT NULL, body TEXT NOT NULL,
     PRIMARY KEY (ticket_id, event_id));
   CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
   CREATE INDEX processed_events_by_time ON processed_events(at);
   CREATE TABLE rule_state (key TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE silences (id TEXT PRIMARY KEY, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE device_status (device_id TEXT PRIMARY KEY, body TEXT NOT NULL);
   CREATE TABLE outgoing (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL);
   CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);`,
  // The timeline is the record a property manager trusts: append-only in the file itself,
  // not only by the code's good manners (an entry's seq is its primary key, so it cannot be rewritten by INSERT either).
  `CREATE TRIGGER timeline_append_only_update BEFORE UPDATE ON timeline
     BEGIN SELECT RAISE(ABORT, 'timeline is append-only'); END;
   CREATE TRIGGER timeline_append_only_delete BEFORE DELETE ON timeline
     BEGIN SELECT RAISE(ABORT, 'timeline is append-only'); END;`,
  // People's reports (issue 16): each opened or joined a ticket; holds the personal data the retention sweep deletes.
  REPORTS_MIGRATION,
  // Alerts are signals, tickets are work (issue 14): every firing episode is kept, ticket or not;
  // a ticket may belong to a grouped incident (a manhole's drain ticket under the storm incident).
  `CREATE TABLE alerts (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, state TEXT NOT NULL, alert_type TEXT NOT NULL,
     compound_id TEXT, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE INDEX alerts_by_fingerprint ON alerts(fingerprint, started_at);
   CREATE INDEX alerts_by_update ON alerts(updated_at);
   CREATE INDEX alerts_firing ON alerts(compound_id, alert_type) WHERE state = 'firing';
   ALTER TABLE tickets ADD COLUMN parent_id TEXT;
   CREATE INDEX tickets_by_parent ON tickets(parent_id) WHERE parent_id IS NOT NULL;`,
];

export function migrate(db: Database): void {
  applyMigrations(db, MIGRATIONS, 'alerting store file');
}
