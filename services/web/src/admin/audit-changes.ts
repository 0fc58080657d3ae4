/** What an audit entry changed, field by field, short enough for a table cell. */
export function changedFields(before: unknown, after: unknown): { field: string; before: string; after: string }[] {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || typeof a !== 'object') return [{ field: '', before: short(before), after: short(after) }];
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return fields.filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f])).map((f) => ({ field: f, before: short(b[f]), after: short(a[f]) }));
}

const short = (value: unknown): string => {
  if (value === undefined) return '—';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};
