import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';

/**
 * Schema migrations, oldest first. Entry i moves a database from version i to i + 1.
 * Never edit a shipped entry: files on disk were built from it. Append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE topics (
    name         TEXT PRIMARY KEY,
    partitions   INTEGER NOT NULL,
    retention_ms INTEGER
  ) STRICT;

  -- The next offset of each partition lives here, not in MAX(records.offset): retention may
  -- delete every record of a partition, and offsets must never be handed out twice.
  CREATE TABLE partitions (
    topic       TEXT NOT NULL REFERENCES topics (name),
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, partition)
  ) STRICT, WITHOUT ROWID;

  -- Clustered on (topic, partition, offset): appends go to the end of the b-tree and a
  -- consumer's batch is one range scan. No other index, to keep the append path cheap.
  CREATE TABLE records (
    topic     TEXT NOT NULL,
    partition INTEGER NOT NULL,
    offset    INTEGER NOT NULL,
    key       TEXT,
    value     BLOB NOT NULL,
    headers   TEXT,  -- JSON object; NULL when the record has none
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (topic, partition, offset)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE committed_offsets (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    partition   INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) STRICT, WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION; safe when several processes open the file at once. */
export function migrate(db: Database): void {
  applyMigrations(db, MIGRATIONS, 'event log file');
}
