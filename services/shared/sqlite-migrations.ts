import type { Database } from 'better-sqlite3';
import { OcError } from './errors.ts';

/**
 * Brings a SQLite file up to the last of `migrations` (each a batch of SQL, applied in
 * order once), recording the version in `schema_version`. Reading the version happens
 * inside an IMMEDIATE transaction, so two processes opening a fresh file at once cannot
 * both run the same migration. A file newer than this code is refused, naming `what`.
 */
export function applyMigrations(db: Database, migrations: readonly string[], what: string): void {
  const target = migrations.length;
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  db.transaction(() => {
    const row = db.prepare('SELECT version FROM schema_version').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > target) throw new OcError('OC_CONFIG_INVALID', `${what} has schema version ${current}; this code knows up to ${target}`);
    for (let version = current; version < target; version++) db.exec(migrations[version]!);
    if (row === undefined) db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(target);
    else if (current !== target) db.prepare('UPDATE schema_version SET version = ?').run(target);
  }).immediate();
}
