import Database, { type Database as Db } from 'better-sqlite3';
import type { Clock } from '../shared/clock.ts';
import { OcError } from '../shared/errors.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import type { OutgoingMessage } from '../alerting/store/alerting-store.ts';
import { encodeConfigEvent } from './config-event.ts';
import { redactSecrets } from './redact.ts';
import { migrateConfigStore } from './schema.ts';
import type { AuditEntry, AuditFilter, AuditOp, ChangeContext, ConfigChange, ConfigItem, ConfigKind, ConfigStore } from './port.ts';

export interface SqliteConfigStoreOptions {
  /** A file, or ':memory:' for tests. */
  path: string;
  clock: Clock;
}

interface ItemRow {
  kind: string;
  id: string;
  version: number;
  value: string | null;
  updated_at: number;
  updated_by: string;
}

interface AuditRow {
  seq: number;
  at: number;
  actor: string;
  address: string | null;
  kind: string;
  id: string;
  version: number;
  op: string;
  before: string | null;
  after: string | null;
}

const toItem = <V>(row: ItemRow): ConfigItem<V> => ({
  kind: row.kind as ConfigKind,
  id: row.id,
  version: row.version,
  value: JSON.parse(row.value!) as V,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

const parseOrNull = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

/**
 * The embedded twin of the config port: one SQLite file. A change, its audit row and its
 * `oc.config` outbox row commit in one transaction, so the log never misses a change the
 * store holds and the audit never misses one either.
 */
export class SqliteConfigStore implements ConfigStore {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly listeners = new Set<() => void>();
  private readonly st;

  private constructor(options: SqliteConfigStoreOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    migrateConfigStore(this.db);
    this.clock = options.clock;
    const p = (sql: string) => this.db.prepare(sql);
    this.st = {
      get: p('SELECT * FROM items WHERE kind = ? AND id = ?'),
      list: p('SELECT * FROM items WHERE kind = ? AND value IS NOT NULL ORDER BY id'),
      upsert: p(
        `INSERT INTO items (kind, id, version, value, updated_at, updated_by) VALUES (@kind, @id, @version, @value, @at, @actor)
         ON CONFLICT (kind, id) DO UPDATE SET version = @version, value = @value, updated_at = @at, updated_by = @actor`,
      ),
      audit: p('INSERT INTO audit (at, actor, address, kind, id, version, op, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      outgoing: p('INSERT INTO outgoing (topic, key, value) VALUES (?, ?, ?)'),
      pending: p('SELECT id, topic, key, value FROM outgoing ORDER BY id LIMIT ?'),
      deletePending: p('DELETE FROM outgoing WHERE id <= ?'),
      anyItem: p('SELECT 1 FROM items LIMIT 1'),
    };
  }

  static open(options: SqliteConfigStoreOptions): SqliteConfigStore {
    return new SqliteConfigStore(options);
  }

  get<V = unknown>(kind: ConfigKind, id: string): ConfigItem<V> | undefined {
    const row = this.st.get.get(kind, id) as ItemRow | undefined;
    return row && row.value !== null ? toItem<V>(row) : undefined;
  }

  list<V = unknown>(kind: ConfigKind): ConfigItem<V>[] {
    return (this.st.list.all(kind) as ItemRow[]).map((row) => toItem<V>(row));
  }

  versionOf(kind: ConfigKind, id: string): number {
    return (this.st.get.get(kind, id) as ItemRow | undefined)?.version ?? 0;
  }

  put<V>(kind: ConfigKind, id: string, value: V, expectedVersion: number, context: ChangeContext): ConfigItem<V> {
    return this.apply([{ kind, id, expectedVersion, value }], context)[0] as ConfigItem<V>;
  }

  remove(kind: ConfigKind, id: string, expectedVersion: number, context: ChangeContext): void {
    this.apply([{ kind, id, expectedVersion, value: null }], context);
  }

  apply(changes: readonly ConfigChange[], context: ChangeContext): ConfigItem[] {
    const at = this.clock.now();
    const done = this.db.transaction(() => changes.map((change) => this.applyOne(change, context, at))).immediate();
    for (const listener of this.listeners) listener();
    return done.filter((item): item is ConfigItem => item !== undefined);
  }

  private applyOne(change: ConfigChange, context: ChangeContext, at: number): ConfigItem | undefined {
    const { kind, id, expectedVersion, value } = change;
    const row = this.st.get.get(kind, id) as ItemRow | undefined;
    const live = row !== undefined && row.value !== null;
    // Creating means "it does not exist now": a tombstone counts as absent, and its version carries on.
    const current = live ? row.version : 0;
    if (expectedVersion !== current) {
      throw new OcError('OC_CONFIG_VERSION_CONFLICT', `${kind} ${id} is at version ${current}, not ${expectedVersion}`, { kind, id, currentVersion: current, expectedVersion });
    }
    if (value === null && !live) throw new OcError('OC_CONFIG_NOT_FOUND', `${kind} ${id}`, { kind, id });
    const version = (row?.version ?? 0) + 1;
    const op: AuditOp = value === null ? 'delete' : live ? 'update' : 'create';
    const text = value === null ? null : JSON.stringify(value);
    this.st.upsert.run({ kind, id, version, value: text, at, actor: context.actor });
    const before = live ? redactSecrets(JSON.parse(row.value!)) : null;
    const after = value === null ? null : redactSecrets(value);
    this.st.audit.run(at, context.actor, context.address ?? null, kind, id, version, op, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after));
    this.st.outgoing.run(LOG_TOPICS.config, `${kind}:${id}`, encodeConfigEvent({ v: 1, kind, id, version, op, value, at }));
    if (value === null) return undefined;
    return { kind, id, version, value, updatedAt: at, updatedBy: context.actor };
  }

  audit(filter: AuditFilter = {}): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    add('kind = ?', filter.kind);
    add('id = ?', filter.id);
    add('actor = ?', filter.actor);
    add('at >= ?', filter.since);
    add('seq < ?', filter.beforeSeq);
    const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, filter.limit ?? 200) as AuditRow[];
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      address: r.address,
      kind: r.kind as ConfigKind,
      id: r.id,
      version: r.version,
      op: r.op as AuditOp,
      before: parseOrNull(r.before),
      after: parseOrNull(r.after),
    }));
  }

  isEmpty(): boolean {
    return this.st.anyItem.get() === undefined;
  }

  onCommit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The transactional outbox, drained to `oc.config` by the relay (open-config-store.ts). */
  pendingOutgoing(limit: number): OutgoingMessage[] {
    return this.st.pending.all(limit) as OutgoingMessage[];
  }

  deleteOutgoing(upToId: number): void {
    this.st.deletePending.run(upToId);
  }

  close(): void {
    this.listeners.clear();
    if (this.db.open) this.db.close();
  }
}
