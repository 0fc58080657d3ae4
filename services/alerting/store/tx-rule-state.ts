import type { Statement } from 'better-sqlite3';
import type { RuleStateStore } from '../domain/rules/state-store.ts';

/**
 * Rule state as the engine sees it inside one transaction: reads come from the
 * committed cache unless written in this transaction; writes go to SQLite now
 * and to the cache only on commit, so a rolled-back batch leaves no trace.
 * Values are cloned on the way in and out: the engine may mutate what it got.
 */
export class TxRuleState implements RuleStateStore {
  private readonly writes = new Map<string, unknown>();

  constructor(
    private readonly committed: Map<string, unknown>,
    private readonly upsert: Statement,
    private readonly remove: Statement,
  ) {}

  get<T>(key: string): T | undefined {
    const value = this.writes.has(key) ? this.writes.get(key) : this.committed.get(key);
    return value === undefined ? undefined : (structuredClone(value) as T);
  }

  set<T>(key: string, value: T): void {
    const copy = structuredClone(value);
    this.writes.set(key, copy);
    this.upsert.run(key, JSON.stringify(copy));
  }

  delete(key: string): void {
    this.writes.set(key, undefined);
    this.remove.run(key);
  }

  keys(prefix = ''): string[] {
    const all = new Set<string>();
    for (const k of this.committed.keys()) if (k.startsWith(prefix)) all.add(k);
    for (const [k, v] of this.writes) {
      if (!k.startsWith(prefix)) continue;
      if (v === undefined) all.delete(k);
      else all.add(k);
    }
    return [...all];
  }

  commit(): void {
    for (const [k, v] of this.writes) {
      if (v === undefined) this.committed.delete(k);
      else this.committed.set(k, v);
    }
  }
}
