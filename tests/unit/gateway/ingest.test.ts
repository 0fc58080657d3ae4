import { describe, expect, it } from 'vitest';
import { classifyPublish, type InboundPublish } from '../../../services/gateway/ingest.ts';

const envelope = (over: Record<string, unknown> = {}) => ({
  v: 1,
  id: 'dl8-drain-m3-0001',
  deviceId: 'dl8-drain-m3',
  kind: 'drain',
  type: 'drain.level',
  ts: '2026-07-15T18:00:00.000+08:00',
  seq: 1,
  data: { levelMm: 312 },
  ...over,
});

const input = (payload: unknown, over: Partial<InboundPublish> = {}): InboundPublish => ({
  deviceId: 'dl8-drain-m3',
  kind: 'drain',
  channel: 'telemetry',
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  receivedAt: Date.parse('2026-07-15T10:00:00Z'),
  source: 'device',
  ...over,
});

const limits = { maxPayloadBytes: 1024 };

describe('classifyPublish', () => {
  it('routes a valid telemetry envelope to oc.telemetry keyed by device, bytes unchanged', () => {
    const msg = input(envelope());
    const out = classifyPublish(msg, limits);
    expect(out).toMatchObject({ accepted: true, logTopic: 'oc.telemetry', key: 'dl8-drain-m3' });
    if (out.accepted) expect(out.value.equals(msg.payload)).toBe(true);
  });

  it('routes events to oc.events', () => {
    expect(classifyPublish(input(envelope({ type: 'drain.overflow' }), { channel: 'event' }), limits)).toMatchObject({ accepted: true, logTopic: 'oc.events' });
  });

  it.each([
    ['malformed JSON', '{"v":1,', 'OC_ENVELOPE_MALFORMED_JSON', undefined],
    ['wrong schema version', envelope({ v: 2 }), 'OC_ENVELOPE_VERSION', 'v'],
    ['missing seq', { ...envelope(), seq: undefined }, 'OC_ENVELOPE_INVALID', 'seq'],
    ['negative seq', envelope({ seq: -1 }), 'OC_ENVELOPE_INVALID', 'seq'],
    ['bad timestamp', envelope({ ts: 'yesterday' }), 'OC_ENVELOPE_INVALID', 'ts'],
    ['another device in the envelope', envelope({ deviceId: 'dl8-drain-m4' }), 'OC_ENVELOPE_DEVICE_MISMATCH', 'deviceId'],
    ['wrong kind for the device', envelope({ kind: 'door' }), 'OC_ENVELOPE_KIND_MISMATCH', 'kind'],
    ['oversized payload', envelope({ data: { blob: 'x'.repeat(2000) } }), 'OC_PAYLOAD_TOO_LARGE', undefined],
  ])('dead-letters %s with code %s', (_name, payload, code, field) => {
    const out = classifyPublish(input(payload), limits);
    expect(out).toMatchObject({ accepted: false, code, field });
    if (!out.accepted) expect(out.reason.length).toBeGreaterThan(10);
  });

  it('accepts online/offline status as an oc.status record and refuses anything else', () => {
    const ok = classifyPublish(input('offline', { channel: 'status', source: 'will' }), limits);
    expect(ok).toMatchObject({ accepted: true, logTopic: 'oc.status' });
    if (ok.accepted) expect(JSON.parse(ok.value.toString())).toEqual({ deviceId: 'dl8-drain-m3', state: 'offline', source: 'will', ts: '2026-07-15T10:00:00.000Z' });
    expect(classifyPublish(input('sleeping', { channel: 'status' }), limits)).toMatchObject({ accepted: false, code: 'OC_STATUS_INVALID' });
  });
});
