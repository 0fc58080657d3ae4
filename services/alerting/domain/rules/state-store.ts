/**
 * Where the rules keep what they remember between observations (levels seen,
 * doors open, devices offline). The service persists it, so every value must be
 * plain JSON: numbers, strings, booleans, null, arrays and plain objects.
 */
export interface RuleStateStore {
  get<T>(key: string): T | undefined;
  set<T>(key: string, value: T): void;
  delete(key: string): void;
  /** Keys in insertion order, optionally only those starting with `prefix`. */
  keys(prefix?: string): string[];
}

/**
 * In-memory store, also the test fake. It keeps each value as its JSON text, so
 * a rule that mutates an object without `set`-ting it back, or stores something
 * JSON cannot carry, misbehaves here exactly as it would against the persisted
 * store, instead of only in production.
 */
export class MemoryRuleStateStore implements RuleStateStore {
  private readonly values = new Map<string, string>();

  get<T>(key: string): T | undefined {
    const text = this.values.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as T);
  }

  set<T>(key: string, value: T): void {
    assertPlainJson(value, key);
    this.values.set(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  keys(prefix?: string): string[] {
    const all = [...this.values.keys()];
    return prefix === undefined ? all : all.filter((k) => k.startsWith(prefix));
  }

  /** Every stored value as JSON text by key; what a persisting service would write. */
  toJSON(): Record<string, unknown> {
    return Object.fromEntries([...this.values].map(([k, text]) => [k, JSON.parse(text) as unknown]));
  }

  /** A store holding the values of `snapshot` (the shape `toJSON` returns). */
  static fromJSON(snapshot: Record<string, unknown>): MemoryRuleStateStore {
    const store = new MemoryRuleStateStore();
    for (const [k, v] of Object.entries(snapshot)) store.set(k, v);
    return store;
  }
}

/** Throws on what JSON would silently change: undefined, NaN, Infinity, functions, Dates, Maps, class instances. */
export function assertPlainJson(value: unknown, path: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`rule state ${path}: ${value} is not JSON`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertPlainJson(item, `${path}[${i}]`));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      // An undefined property is dropped by JSON and reads back as undefined: harmless.
      if (v !== undefined) assertPlainJson(v, `${path}.${k}`);
    }
    return;
  }
  throw new TypeError(`rule state ${path}: ${typeof value} is not plain JSON`);
}
