import { describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../../edge-agent/envelope-builder.ts';
import type { LogRecord } from '../../../services/event-log/port.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { recordToPoint, type Mapped } from '../../../services/telemetry/envelope-to-point.ts';
import { siteTagIndex } from '../../../services/telemetry/site-tags.ts';

const drain: PlacedDevice = { id: 'dl8-drain-m1', kind: 'drain', communityId: 'dianliu-8', compoundId: 'dl8', buildingId: undefined, placeId: 'm1', placeType: 'manhole', name: { zh: 'M1', en: 'M1' }, depthMm: 1500 };
const door: PlacedDevice = { id: 'dl8-b1-u1-door', kind: 'door', communityId: 'dianliu-8', compoundId: 'dl8', buildingId: 'b1', placeId: 'b1-u1', placeType: 'entrance', name: { zh: '门', en: 'door' }, depthMm: undefined };
const tags = siteTagIndex([drain, door]);
const T = Date.UTC(2026, 5, 1, 8, 30, 15, 250);

let offset = 0;
const record = (topic: string, value: Buffer | string, key: string | null = 'x'): LogRecord => ({ topic, partition: 0, offset: offset++, key, value: Buffer.from(value), headers: {}, timestamp: T + 5 });
const envelopeRecord = (topic: string, device: PlacedDevice, type: string, data: Record<string, unknown>, seq = 41) =>
  record(topic, buildEnvelope({ deviceId: device.id, kind: device.kind, type, seq, timeMs: T, data }).payload, device.id);
const idOf = (r: LogRecord): string => (JSON.parse(r.value.toString()) as { id: string }).id;

const refusal = (m: Mapped) => {
  if (m.ok) throw new Error(`expected a refusal, got ${JSON.stringify(m.point)}`);
  return m.refusal;
};

describe('recordToPoint', () => {
  it('turns a drain reading into drain_level with its site path, typed fields and device time; seq becomes the nanoseconds', () => {
    const r = envelopeRecord(LOG_TOPICS.telemetry, drain, 'drain.level', { levelMm: 912, distanceMm: 588, depthMm: 1500, batteryPct: 81.4, rssiDbm: -97, overflow: false, firmware: 'ignored' }, 1_000_041);
    expect(recordToPoint(r, tags)).toEqual({
      ok: true,
      point: {
        measurement: 'drain_level',
        tags: { community: 'dianliu-8', compound: 'dl8', place: 'm1', device: 'dl8-drain-m1', kind: 'drain' },
        fields: { seq: 1_000_041, event_id: idOf(r), level_mm: 912, distance_mm: 588, depth_mm: 1500, battery_pct: 81.4, rssi_dbm: -97, overflow: false },
        timeMs: T,
        nanos: 41,
      },
    });
  });

  it('turns a heartbeat into device_heartbeat, with the building tag for an entrance device', () => {
    const m = recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, door, 'agent.heartbeat', { uptimeS: 3600, pending: 0, reconnects: 2 }), tags);
    expect(m.ok && m.point.measurement).toBe('device_heartbeat');
    expect(m.ok && m.point.tags).toEqual({ community: 'dianliu-8', compound: 'dl8', building: 'b1', place: 'b1-u1', device: 'dl8-b1-u1-door', kind: 'door' });
    expect(m.ok && m.point.fields).toMatchObject({ uptime_s: 3600, pending: 0, reconnects: 2 });
  });

  it('keeps events in device_event and other telemetry in device_telemetry, with their type as a tag and data as JSON', () => {
    const event = recordToPoint(envelopeRecord(LOG_TOPICS.events, door, 'door.forced-open', { reason: 'opened-without-grant' }), tags);
    expect(event.ok && event.point.measurement).toBe('device_event');
    expect(event.ok && event.point.tags.type).toBe('door.forced-open');
    expect(event.ok && JSON.parse(String(event.point.fields.data))).toEqual({ reason: 'opened-without-grant' });
    const other = recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, drain, 'drain.temperature', { celsius: 14.5 }), tags);
    expect(other.ok && other.point.measurement).toBe('device_telemetry');
    expect(other.ok && other.point.fields.data).toBe('{"celsius":14.5}');
  });

  it('refuses wrong types and missing required fields, naming the envelope field', () => {
    expect(refusal(recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, drain, 'drain.level', { levelMm: '912' }), tags))).toEqual({
      code: 'OC_POINT_FIELD_TYPE',
      field: 'data.levelMm',
      reason: 'drain.level: data.levelMm must be a finite number, got "912"',
      deviceId: 'dl8-drain-m1',
    });
    expect(refusal(recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, drain, 'drain.level', { levelMm: 10, overflow: 'yes' }), tags)).field).toBe('data.overflow');
    expect(refusal(recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, door, 'agent.heartbeat', { uptimeS: 12.5 }), tags)).reason).toMatch(/uptimeS must be an integer/);
    expect(refusal(recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, door, 'agent.heartbeat', { pending: 1 }), tags))).toMatchObject({ code: 'OC_POINT_FIELD_TYPE', field: 'data.uptimeS' });
  });

  it('refuses a device the site does not know: its point would have no site path', () => {
    const stranger = { ...drain, id: 'dl9-drain-m1' };
    expect(refusal(recordToPoint(envelopeRecord(LOG_TOPICS.telemetry, stranger, 'drain.level', { levelMm: 1 }), tags))).toMatchObject({ code: 'OC_POINT_MISSING_TAG', field: 'deviceId', deviceId: 'dl9-drain-m1' });
  });

  it('refuses what is not an envelope with the envelope check\'s own code', () => {
    expect(refusal(recordToPoint(record(LOG_TOPICS.telemetry, '{"v":1,'), tags))).toMatchObject({ code: 'OC_ENVELOPE_MALFORMED_JSON', deviceId: 'x' });
    expect(refusal(recordToPoint(record(LOG_TOPICS.events, JSON.stringify({ v: 2 })), tags)).code).toBe('OC_ENVELOPE_VERSION');
    const noSeq = { v: 1, id: 'a', deviceId: drain.id, kind: 'drain', type: 'drain.level', ts: new Date(T).toISOString(), data: {} };
    expect(refusal(recordToPoint(record(LOG_TOPICS.telemetry, JSON.stringify(noSeq)), tags))).toMatchObject({ code: 'OC_ENVELOPE_INVALID', field: 'seq' });
  });
});

describe('recordToPoint and a device clock far off', () => {
  const at = (ts: string): LogRecord =>
    record(LOG_TOPICS.events, JSON.stringify({ v: 1, id: `e-${ts}`, deviceId: door.id, kind: 'door', type: 'door.opened', ts, seq: 1, data: {} }), door.id);

  it('puts a point from 2036 or 9999-12-31 at the gateway receive time, not in the future', () => {
    for (const ts of ['2036-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1999-01-01T00:00:00Z']) {
      const m = recordToPoint(at(ts), tags);
      expect(m.ok && m.point.timeMs, ts).toBe(T + 5);
    }
  });

  it('keeps the device time within the tolerance, and a day-old replay from an outbox', () => {
    const m = recordToPoint(at(new Date(T - 86_400_000).toISOString()), tags);
    expect(m.ok && m.point.timeMs).toBe(T - 86_400_000);
    const tight = recordToPoint(at(new Date(T - 86_400_000).toISOString()), tags, { futureMs: 1_000, pastMs: 60_000 });
    expect(tight.ok && tight.point.timeMs).toBe(T + 5);
  });
});
