import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';

/**
 * Schema migrations of the embedded time-series file, oldest first. Entry i moves a
 * database from version i to i + 1. Never edit a shipped entry; append a new one.
 */
const MIGRATIONS: readonly string[] = [
  `
  -- One row per point. (measurement, series, time_ms, nanos) is the point's identity, as
  -- in InfluxDB: writing it again overwrites its fields. Tags and fields are JSON; the
  -- device tag has its own column because every chart asks for one device.
  CREATE TABLE points (
    measurement TEXT NOT NULL,
    series      TEXT NOT NULL,
    device      TEXT NOT NULL,
    time_ms     INTEGER NOT NULL,
    nanos       INTEGER NOT NULL,
    tags        TEXT NOT NULL,
    fields      TEXT NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX points_identity ON points (measurement, series, time_ms, nanos);
  CREATE INDEX points_by_device ON points (measurement, device, time_ms);
  CREATE INDEX points_by_time ON points (measurement, time_ms);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION; safe when several processes open the file at once. */
export function migrate(db: Database): void {
  applyMigrations(db, MIGRATIONS, 'time-series file');
}
