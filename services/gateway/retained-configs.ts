import Database, { type Database as Db } from 'better-sqlite3';

/**
 * The retained `config` messages of the devices, on disk (issue 17): aedes keeps retained
 * messages in memory only, so after a restart a device that subscribes before the platform
 * republished would find nothing. The gateway writes here before publishing and publishes
 * everything found here when it starts.
 */
export interface RetainedConfigs {
  all(): [deviceId: string, payload: Buffer][];
  put(deviceId: string, payload: Buffer): void;
  delete(deviceId: string): void;
  close(): void;
}

export class SqliteRetainedConfigs implements RetainedConfigs {
  private readonly db: Db;

  private constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.exec('CREATE TABLE IF NOT EXISTS retained_config (device_id TEXT PRIMARY KEY, payload BLOB NOT NULL)');
  }

  static open(path: string): SqliteRetainedConfigs {
    return new SqliteRetainedConfigs(path);
  }

  all(): [string, Buffer][] {
    return (this.db.prepare('SELECT device_id, payload FROM retained_config ORDER BY device_id').all() as { device_id: string; payload: Buffer }[]).map((r) => [r.device_id, r.payload]);
  }

  put(deviceId: string, payload: Buffer): void {
    this.db.prepare('INSERT INTO retained_config (device_id, payload) VALUES (?, ?) ON CONFLICT (device_id) DO UPDATE SET payload = excluded.payload').run(deviceId, payload);
  }

  delete(deviceId: string): void {
    this.db.prepare('DELETE FROM retained_config WHERE device_id = ?').run(deviceId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
