import type { Database } from 'better-sqlite3';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';

/**
 * Schema migrations of the embedded time-series file, oldest first. Entry i moves a
 * database from version i to i + 1. Never edit a shipped entry; append a new one.
 * Exported for the test that upgrades a file of an older version.
 */
export const MIGRATIONS: readonly string[] = [
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
  `
  -- Rollups (rollup-spec.ts): per series and window of 5 minutes (window_ms 300000) and of
  -- an hour (3600000), kept longer than raw points and maintained in the same transaction
  -- as them (rollups.ts). A series is numbered once; its tags are kept for tag filters.
  CREATE TABLE rollup_series (
    id          INTEGER PRIMARY KEY,
    series      TEXT NOT NULL UNIQUE,
    measurement TEXT NOT NULL,
    device      TEXT NOT NULL,
    tags        TEXT NOT NULL
  ) STRICT;
  CREATE INDEX rollup_series_by_device ON rollup_series (measurement, device);
  -- Points per window, and the newest of them (its fields only where rollup-spec keeps them).
  CREATE TABLE rollup_windows (
    window_ms   INTEGER NOT NULL,
    series_id   INTEGER NOT NULL,
    start_ms    INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    last_ms     INTEGER NOT NULL,
    last_nanos  INTEGER NOT NULL,
    last_fields TEXT
  ) STRICT;
  CREATE UNIQUE INDEX rollup_windows_identity ON rollup_windows (window_ms, series_id, start_ms);
  CREATE INDEX rollup_windows_by_time ON rollup_windows (window_ms, start_ms);
  -- A numeric field per window: count, sum in thousandths (exact integers), min and max.
  CREATE TABLE rollup_fields (
    window_ms INTEGER NOT NULL,
    series_id INTEGER NOT NULL,
    field     TEXT NOT NULL,
    start_ms  INTEGER NOT NULL,
    count     INTEGER NOT NULL,
    sum_milli INTEGER NOT NULL,
    min_value REAL NOT NULL,
    max_value REAL NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX rollup_fields_identity ON rollup_fields (window_ms, series_id, field, start_ms);
  CREATE INDEX rollup_fields_by_time ON rollup_fields (window_ms, start_ms);

  -- A file written before rollups gets them from the raw points it still has.
  INSERT INTO rollup_series (series, measurement, device, tags)
    SELECT series, measurement, device, MIN(tags) FROM points
    WHERE measurement IN ('drain_level', 'device_heartbeat', 'device_event')
    GROUP BY series, measurement, device;
  INSERT INTO rollup_windows (window_ms, series_id, start_ms, points, last_ms, last_nanos, last_fields)
    SELECT window_ms, series_id, start_ms, points, time_ms, nanos, CASE WHEN measurement = 'device_heartbeat' THEN fields END
    FROM (
      SELECT t.window_ms, s.id AS series_id, p.time_ms - p.time_ms % t.window_ms AS start_ms, p.time_ms, p.nanos, p.measurement, p.fields,
             COUNT(*) OVER win AS points,
             ROW_NUMBER() OVER (win ORDER BY p.time_ms DESC, p.nanos DESC) AS newest
      FROM points AS p
      JOIN rollup_series AS s ON s.series = p.series
      CROSS JOIN (SELECT 300000 AS window_ms UNION ALL SELECT 3600000) AS t
      WINDOW win AS (PARTITION BY t.window_ms, s.id, p.time_ms - p.time_ms % t.window_ms)
    )
    WHERE newest = 1;
  -- Levels beyond the bound new writes are held to (rollup-spec.ts) are left out rather
  -- than let an integer overflow stop the file from opening.
  INSERT INTO rollup_fields (window_ms, series_id, field, start_ms, count, sum_milli, min_value, max_value)
    SELECT t.window_ms, s.id, 'level_mm', p.time_ms - p.time_ms % t.window_ms,
           COUNT(*), SUM(CAST(ROUND(p.v * 1000) AS INTEGER)), MIN(p.v), MAX(p.v)
    FROM (SELECT series, time_ms, json_extract(fields, '$.level_mm') AS v FROM points WHERE measurement = 'drain_level') AS p
    JOIN rollup_series AS s ON s.series = p.series
    CROSS JOIN (SELECT 300000 AS window_ms UNION ALL SELECT 3600000) AS t
    WHERE p.v IS NOT NULL AND abs(p.v) <= 1e9
    GROUP BY t.window_ms, s.id, p.time_ms - p.time_ms % t.window_ms;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION; safe when several processes open the file at once. */
export function migrate(db: Database): void {
  applyMigrations(db, MIGRATIONS, 'time-series file');
}
