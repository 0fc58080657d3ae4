import type { Statement } from 'better-sqlite3';
import type { RuleStateStore } from '../domain/rules/state-store.ts';

export interface RuleStateStatements {
  get: Statement;
  upsert: Statement;
  remove: Statement;
  keys: Statement;
}

/**
 * Rule state as the engine sees it inside one transaction: read and written
 * straight through to SQLite, so a rolled-back batch leaves no trace and
 * several instances on one store never read each other's stale copies. Every
 * read parses afresh, so the engine may mutate what it gets.
 */
export class TxRuleState implements RuleStateStore {
  constructor(private readonly st: RuleStateStatements) {}

  get<T>(key: string): T | undefined {
    const row = this.st.get.get(key) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  set<T>(key: string, value: T): void {
    this.st.upsert.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.st.remove.run(key);
  }

  keys(prefix = ''): string[] {
    // Range scan instead of LIKE: prefixes may contain % or _.
    return (this.st.keys.all(prefix, `${prefix}\uffff`) as Array<{ key: string }>).map((r) => r.key);
  }
}
