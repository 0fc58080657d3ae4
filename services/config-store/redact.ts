/**
 * Field names that hold secrets or their hashes. The audit log is shown to people and
 * kept for ever, so none of them may reach it; the value is replaced, not dropped, so the
 * audit still says that a secret changed.
 */
const SECRET_FIELDS: ReadonlySet<string> = new Set(['secret', 'secretHash', 'password', 'passwordHash', 'keyHash', 'token', 'tokenHash']);

export const REDACTED = '[redacted]';

/** A deep copy of `value` with every secret field replaced by `[redacted]`. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) && v !== undefined && v !== null ? REDACTED : redactSecrets(v);
  return out;
}
