import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { silentLogger } from '../../services/shared/logger.ts';
import { SqliteTimeSeries, type SqliteTimeSeriesOptions } from '../../services/timeseries/sqlite/sqlite-time-series.ts';

/**
 * A temp directory for an embedded time-series file. Every store and every inspecting
 * connection opened here is closed by cleanup, which then removes the directory.
 */
export function sqliteStorage() {
  const dir = mkdtempSync(join(tmpdir(), 'oc-timeseries-'));
  const path = join(dir, 'timeseries.db');
  const opened: SqliteTimeSeries[] = [];
  const connections: Database.Database[] = [];
  return {
    path,
    open: (options: Omit<SqliteTimeSeriesOptions, 'path'> = {}) => {
      const store = SqliteTimeSeries.open({ path, logger: silentLogger(), ...options });
      opened.push(store);
      return store;
    },
    /** A plain connection to the same file, to look at (or tamper with) its tables. */
    connect: () => {
      const db = new Database(path);
      connections.push(db);
      return db;
    },
    cleanup: async () => {
      await Promise.all(opened.map((s) => s.close()));
      for (const db of connections) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
