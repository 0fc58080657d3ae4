import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventLog, type SqliteEventLogOptions } from '../../services/event-log/sqlite/sqlite-event-log.ts';

export interface SqliteLogStorage {
  /** The database file inside a fresh temp directory. */
  path: string;
  /** Opens a log on `path`; every log opened here is closed by cleanup. */
  open: (options?: Omit<SqliteEventLogOptions, 'path'>) => SqliteEventLog;
  /** Closes every log opened here, then removes the temp directory. */
  cleanup: () => Promise<void>;
}

export function sqliteLogStorage(): SqliteLogStorage {
  const dir = mkdtempSync(join(tmpdir(), 'oc-event-log-'));
  const path = join(dir, 'events.sqlite');
  const opened: SqliteEventLog[] = [];
  return {
    path,
    open: (options = {}) => {
      const log = SqliteEventLog.open({ path, ...options });
      opened.push(log);
      return log;
    },
    cleanup: async () => {
      await Promise.all(opened.map((log) => log.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
