import { describe, expect, it } from 'vitest';
import { parseBoundedJson } from '../../../services/shared/bounded-json.ts';
import { parseEnvelope } from '../../../services/shared/envelope.ts';
import { isOcError } from '../../../services/shared/errors.ts';

const codeOf = (f: () => unknown): { code: string; field: unknown } | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    if (!isOcError(err)) throw err;
    return { code: err.code, field: err.details?.field };
  }
};

const envelope = (data: string) =>
  `{"v":1,"id":"e-1","deviceId":"dl8-cam-01","kind":"camera","type":"video.loss","ts":"2026-05-01T10:00:00.000Z","seq":3,"data":${data}}`;

describe('parseBoundedJson', () => {
  it('reads what JSON.parse reads, for ordinary device data', () => {
    const samples = ['{"a":1,"b":[true,false,null],"c":"x\\ny\\u00e9\\ud83d\\ude00","d":-1.5e3}', '[]', '{}', ' "s" ', '0', '-0.25'];
    for (const s of samples) expect(parseBoundedJson(s)).toEqual(JSON.parse(s));
  });

  it('refuses 10,000 levels of nesting at level 33, without recursing into them', () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    expect(codeOf(() => parseEnvelope(envelope(`{"deep":${deep}}`)))).toMatchObject({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED' });
    const ok = '{"a":'.repeat(31) + '1' + '}'.repeat(31);
    expect(parseBoundedJson(ok)).toBeTruthy();
    expect(codeOf(() => parseBoundedJson('['.repeat(33) + ']'.repeat(33)))).toMatchObject({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED' });
  });

  it('refuses huge arrays, many keys and long strings, naming the field', () => {
    expect(codeOf(() => parseEnvelope(envelope(`{"xs":[${'0,'.repeat(5000)}0]}`)))).toEqual({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED', field: 'data.xs' });
    const keys = Array.from({ length: 300 }, (_, i) => `"k${i}":1`).join(',');
    expect(codeOf(() => parseEnvelope(envelope(`{${keys}}`)))).toMatchObject({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED', field: 'data' });
    expect(codeOf(() => parseEnvelope(envelope(`{"s":"${'x'.repeat(9000)}"}`)))).toEqual({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED', field: 'data.s' });
    expect(codeOf(() => parseEnvelope(envelope(`{"s":"${'\\n'.repeat(9000)}"}`)))).toMatchObject({ code: 'OC_ENVELOPE_LIMIT_EXCEEDED' });
  });

  it('refuses lone surrogates, unsafe numbers, __proto__ and duplicate keys', () => {
    expect(codeOf(() => parseEnvelope(envelope('{"s":"\\ud800"}')))).toEqual({ code: 'OC_ENVELOPE_UNSAFE_VALUE', field: 'data.s' });
    expect(codeOf(() => parseEnvelope(envelope('{"s":"a\\udc00b"}')))).toMatchObject({ code: 'OC_ENVELOPE_UNSAFE_VALUE' });
    expect(codeOf(() => parseEnvelope(envelope('{"n":9007199254740993}')))).toEqual({ code: 'OC_ENVELOPE_UNSAFE_VALUE', field: 'data.n' });
    expect(codeOf(() => parseEnvelope(envelope('{"n":1e400}')))).toMatchObject({ code: 'OC_ENVELOPE_UNSAFE_VALUE' });
    expect(codeOf(() => parseEnvelope(envelope('{"__proto__":{"admin":true}}')))).toEqual({ code: 'OC_ENVELOPE_UNSAFE_VALUE', field: 'data.__proto__' });
    expect(codeOf(() => parseEnvelope(envelope('{"a":1,"a":2}')))).toMatchObject({ code: 'OC_ENVELOPE_UNSAFE_VALUE' });
    expect(codeOf(() => parseEnvelope(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])))).toMatchObject({ code: 'OC_ENVELOPE_MALFORMED_JSON' });
    // 2^53 - 1 is still exact, and a float written with an exponent is a float.
    expect(parseBoundedJson('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(parseBoundedJson('1e20')).toBe(1e20);
  });

  it('answers malformed JSON with the malformed code', () => {
    for (const bad of ['', '{', '{"a"}', '[1,]', '{"a":1,}', 'nul', '"\\x"', '01', '1 2', '"a\nb"', '-']) {
      expect(codeOf(() => parseBoundedJson(bad)), bad).toMatchObject({ code: 'OC_ENVELOPE_MALFORMED_JSON' });
    }
  });
});
