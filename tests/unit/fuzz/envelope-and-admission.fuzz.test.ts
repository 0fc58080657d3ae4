/**
 * Seeded property-based fuzzing (fast-check) of what a device's bytes meet first: the bounded
 * JSON parser, the envelope check, the gateway's admission path (classifyPublish, the frame
 * tracker, the per-device rate limit). Fixed seeds, so a failure replays exactly; bounded
 * runs, so it stays a unit test.
 */
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { ClientAdmission, freshTokens } from '../../../services/gateway/admission.ts';
import { FrameSizeTracker } from '../../../services/gateway/frame-guard.ts';
import { classifyPublish } from '../../../services/gateway/ingest.ts';
import { DEFAULT_JSON_BOUNDS, parseBoundedJson } from '../../../services/shared/bounded-json.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { parseEnvelope } from '../../../services/shared/envelope.ts';
import { ERROR_CATALOGUE, isOcError } from '../../../services/shared/errors.ts';

const SEED = 1313;
const RUNS = 400;
const params = { seed: SEED, numRuns: RUNS } as const;

/** Whatever happens, it is a value or a catalogued OcError: never a RangeError, a TypeError or a hang. */
function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; code: string } {
  try {
    return { ok: true, value: f() };
  } catch (err) {
    if (!isOcError(err)) throw err;
    expect(Object.hasOwn(ERROR_CATALOGUE, err.code)).toBe(true);
    return { ok: false, code: err.code };
  }
}

/** JSON text that is sometimes valid, sometimes cut, nested, escaped or garbled. */
const jsonish = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  fc.tuple(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.nat(), fc.string({ maxLength: 5 })).map(([s, at, junk]) => s.slice(0, at % (s.length + 1)) + junk),
  fc.integer({ min: 1, max: 3_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.stringMatching(/^[[\]{}":,\\u0-9a-fA-F.eE+\- tnrufals]{0,80}$/),
);

describe('parseBoundedJson (fuzzed)', () => {
  it('on any text: the same value as JSON.parse, or a catalogued refusal', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        const got = outcome(() => parseBoundedJson(text));
        let reference: unknown;
        let valid = true;
        try {
          reference = JSON.parse(text);
        } catch {
          valid = false;
        }
        // Invalid text is refused; it may be for an unsafe number met before the syntax error.
        if (!valid) expect(got.ok).toBe(false);
        else if (got.ok) expect(got.value).toEqual(reference);
        else expect(['OC_ENVELOPE_LIMIT_EXCEEDED', 'OC_ENVELOPE_UNSAFE_VALUE']).toContain(got.code);
      }),
      params,
    );
  });

  it('accepts every JSON value within the bounds that has no unsafe part', () => {
    const safe = fc.jsonValue({ maxDepth: 8 }).filter((v) => {
      const text = JSON.stringify(v);
      return !/__proto__|\\ud[89a-f]/i.test(text) && !/\d{16,}/.test(text) && !text.includes('e+');
    });
    fc.assert(
      fc.property(safe, (v) => {
        expect(parseBoundedJson(JSON.stringify(v))).toEqual(JSON.parse(JSON.stringify(v)));
      }),
      params,
    );
  });

  it('refuses any nesting deeper than the bound, however it is built', () => {
    fc.assert(
      fc.property(fc.integer({ min: DEFAULT_JSON_BOUNDS.maxDepth + 1, max: 20_000 }), fc.array(fc.constantFrom('{"k":', '['), { minLength: 1, maxLength: 3 }), (depth, openers) => {
        let text = '';
        const closers: string[] = [];
        for (let i = 0; i < depth; i++) {
          const o = openers[i % openers.length]!;
          text += o;
          closers.push(o === '[' ? ']' : '}');
        }
        text += '1' + closers.reverse().join('');
        expect(outcome(() => parseBoundedJson(text))).toEqual({ ok: false, code: 'OC_ENVELOPE_LIMIT_EXCEEDED' });
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

const validEnvelope = fc.record({
  id: fc.string({ minLength: 1, maxLength: 20 }),
  seq: fc.nat(),
  type: fc.constantFrom('door.opened', 'door.forced-open', 'video.loss', 'drain.level'),
  data: fc.dictionary(fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__'), fc.oneof(fc.integer(), fc.string({ maxLength: 20 }), fc.boolean()), { maxKeys: 6 }),
});

describe('the gateway admission path (fuzzed)', () => {
  const device = { deviceId: 'dl8-cam-01', kind: 'camera' as const };
  const classify = (payload: Buffer, channel: 'event' | 'telemetry' | 'status' = 'event') =>
    classifyPublish({ ...device, channel, payload, receivedAt: 0, source: 'device' }, { maxPayloadBytes: 64 * 1024 });

  it('classifyPublish never throws: bytes are accepted as a valid envelope or refused with a catalogued code', () => {
    const payloads = fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
      jsonish.map((s) => Buffer.from(s)),
      validEnvelope.map((e) => Buffer.from(JSON.stringify({ v: 1, deviceId: device.deviceId, kind: 'camera', ts: '2026-06-01T10:00:00Z', ...e }))),
    );
    fc.assert(
      fc.property(payloads, fc.constantFrom('event', 'telemetry', 'status'), (payload, channel: 'event' | 'telemetry' | 'status') => {
        const o = classify(payload, channel);
        if (o.accepted) {
          if (channel !== 'status') expect(parseEnvelope(o.value).deviceId).toBe(device.deviceId);
        } else {
          expect(Object.hasOwn(ERROR_CATALOGUE, o.code)).toBe(true);
        }
      }),
      params,
    );
  });

  it('a valid envelope is forwarded byte for byte', () => {
    fc.assert(
      fc.property(validEnvelope, (e) => {
        const payload = Buffer.from(JSON.stringify({ v: 1, deviceId: device.deviceId, kind: 'camera', ts: '2026-06-01T10:00:00.123+08:00', ...e }));
        const o = classify(payload);
        expect(o.accepted && o.value.equals(payload)).toBe(true);
      }),
      params,
    );
  });

  it('the frame tracker, however the bytes are chunked, passes small packets and refuses only with catalogued codes', () => {
    const packet = fc.oneof(
      fc.nat({ max: 2_000 }).map((n) => mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(n), qos: 0, retain: false, dup: false })),
      fc.constant(mqttPacket.generate({ cmd: 'pingreq' })),
      fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
    );
    fc.assert(
      fc.property(fc.array(packet, { maxLength: 10 }), fc.integer({ min: 1, max: 64 }), (packets, chunk) => {
        const stream = Buffer.concat(packets);
        const tracker = new FrameSizeTracker(1024, 512);
        outcome(() => {
          for (let i = 0; i < stream.length; i += chunk) tracker.inspect(stream.subarray(i, i + chunk));
        });
      }),
      params,
    );
  });

  it('the per-device rate limit, over any pattern of sends, reconnects and waits, never admits more than burst + rate x time, in order', () => {
    const step = fc.oneof(fc.record({ send: fc.integer({ min: 1, max: 30 }) }), fc.record({ waitMs: fc.integer({ min: 0, max: 500 }) }), fc.constant({ reconnect: true as const }));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const limit = { ratePerSecond: 20, burst: 10, floodAfterMs: 1e9 };
        const clock = new ManualClock(0);
        const tokens = freshTokens(limit, 0);
        let admission = new ClientAdmission(limit, clock, () => undefined, () => undefined, tokens);
        const admitted: number[] = [];
        let next = 0;
        for (const s of steps) {
          if ('send' in s) for (let i = 0; i < s.send; i++) { const n = next++; admission.admit(() => admitted.push(n)); }
          else if ('waitMs' in s) clock.advance(s.waitMs);
          else {
            admission.close();
            admission = new ClientAdmission(limit, clock, () => undefined, () => undefined, tokens);
          }
        }
        admission.close();
        expect(admitted.length).toBeLessThanOrEqual(limit.burst + Math.floor((clock.now() * limit.ratePerSecond) / 1000) + 1);
        expect([...admitted].sort((a, b) => a - b)).toEqual(admitted);
      }),
      params,
    );
  });
});
