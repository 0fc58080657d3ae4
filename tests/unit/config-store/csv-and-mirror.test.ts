import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../services/admin/csv.ts';
import { ConfigMirror } from '../../../services/config-store/config-mirror.ts';
import { redactSecrets } from '../../../services/config-store/redact.ts';

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF, a byte-order mark and skips blank lines', () => {
    expect(parseCsv('\ufeffa,b,c\r\n"x, y","say ""hi""",\n\n1,2,3')).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', ''],
      ['1', '2', '3'],
    ]);
  });
  it('refuses a quote left open', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(expect.objectContaining({ code: 'OC_DEVICE_IMPORT_INVALID' }) as Error);
  });
});

describe('config mirror', () => {
  it('applies only newer versions and tells listeners what was replaced', () => {
    const mirror = new ConfigMirror(['device']);
    const heard: unknown[] = [];
    mirror.onChange((e, before) => heard.push([e.version, before]));
    const event = (version: number, value: unknown) => ({ v: 1 as const, kind: 'device' as const, id: 'd1', version, op: 'update' as const, value, at: 0 });
    expect(mirror.apply(event(1, { n: 1 }))).toBe(true);
    expect(mirror.apply(event(1, { n: 9 }))).toBe(false);
    expect(mirror.apply(event(2, { n: 2 }))).toBe(true);
    expect(mirror.apply({ ...event(3, null), op: 'delete' })).toBe(true);
    expect(mirror.get('device', 'd1')).toBeUndefined();
    expect(mirror.apply({ ...event(1, {}), kind: 'place' })).toBe(false);
    expect(heard).toEqual([
      [1, null],
      [2, { n: 1 }],
      [3, { n: 2 }],
    ]);
  });
});

it('redacts every secret field, however deep, and keeps the rest', () => {
  expect(redactSecrets({ a: 1, secretHash: 'h', nested: [{ passwordHash: 'p', keyHash: 'k', token: null }], name: 'x' })).toEqual({ a: 1, secretHash: '[redacted]', nested: [{ passwordHash: '[redacted]', keyHash: '[redacted]', token: null }], name: 'x' });
});
