/**
 * The configuration port (issue 17): the running system is its own source of truth for
 * its site, devices, people, roster and rules. Items are addressed by (kind, id), carry an
 * integer version for optimistic concurrency, and every change is audited and published as
 * an `oc.config` event in the same transaction. Embedded SQLite now
 * (sqlite-config-store.ts); a shared database later behind the same interface.
 */

export const CONFIG_KINDS = ['site', 'place', 'device', 'person', 'roster', 'shift', 'rules', 'provisioning-key'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export const isConfigKind = (value: string): value is ConfigKind => (CONFIG_KINDS as readonly string[]).includes(value);

export interface ConfigItem<V = unknown> {
  kind: ConfigKind;
  id: string;
  /** 1 on creation, +1 on every change (a removal too). */
  version: number;
  value: V;
  updatedAt: number;
  updatedBy: string;
}

/** Who changes something, from where; written to the audit log with the change. */
export interface ChangeContext {
  /** A login, or a system actor such as `system:seed`. */
  actor: string;
  /** The remote address of the request, when there is one. */
  address?: string;
}

export interface ConfigChange {
  kind: ConfigKind;
  id: string;
  /** The version the caller last read; 0 when it creates the item. A mismatch is OC_CONFIG_VERSION_CONFLICT. */
  expectedVersion: number;
  /** The new value; `null` removes the item (a tombstone keeps its version counting). */
  value: unknown;
}

export type AuditOp = 'create' | 'update' | 'delete';

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  address: string | null;
  kind: ConfigKind;
  id: string;
  version: number;
  op: AuditOp;
  /** Values with every secret field removed (redact.ts). */
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  kind?: ConfigKind;
  id?: string;
  actor?: string;
  /** Only entries at or after this instant (ms since epoch). */
  since?: number;
  /** Only entries with a sequence number below this one (paging backwards). */
  beforeSeq?: number;
  /** Newest first; at most this many (default 200). */
  limit?: number;
}

/** The `oc.config` record: what changed, in the order the store committed it. */
export interface ConfigEvent {
  v: 1;
  kind: ConfigKind;
  id: string;
  version: number;
  op: AuditOp;
  /** The whole new value (null after a removal); consumers apply it as it is. */
  value: unknown;
  at: number;
}

export interface ConfigStore {
  get<V = unknown>(kind: ConfigKind, id: string): ConfigItem<V> | undefined;
  /** Live items of one kind, ordered by id. */
  list<V = unknown>(kind: ConfigKind): ConfigItem<V>[];
  /** The current version of an item, 0 when it does not exist (or was removed: then its tombstone's). */
  versionOf(kind: ConfigKind, id: string): number;
  /** Creates (expectedVersion 0) or replaces an item. */
  put<V>(kind: ConfigKind, id: string, value: V, expectedVersion: number, context: ChangeContext): ConfigItem<V>;
  remove(kind: ConfigKind, id: string, expectedVersion: number, context: ChangeContext): void;
  /** Several changes in one transaction: all or none (a shift swap, an import). */
  apply(changes: readonly ConfigChange[], context: ChangeContext): ConfigItem[];
  audit(filter?: AuditFilter): AuditEntry[];
  /** True before anything was ever stored: the data dir is new and wants seeding. */
  isEmpty(): boolean;
  /** Called after each committed change (the outbox relay kicks on it). */
  onCommit(listener: () => void): () => void;
  close(): void;
}
