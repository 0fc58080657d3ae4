import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOcError, type ErrorCode } from '../../services/shared/errors.ts';
import type { Point, TimeSeriesStore } from '../../services/timeseries/port.ts';
import { uniqueName } from './event-log-collector.ts';

export interface TimeSeriesFixture {
  store: TimeSeriesStore;
  /** Opens a new store over the same data, as a restarted process would; the suite closes `store` first. */
  reopen?: () => Promise<TimeSeriesStore>;
  /** Closes every store the fixture opened and removes its data. */
  cleanup: () => Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A whole hour, so windows of a minute or an hour start on it. */
export const BASE = Date.UTC(2026, 5, 1, 8);

const siteTags = (device: string, kind = 'drain', building?: string): Record<string, string> => ({
  community: 'dianliu-8',
  compound: 'dl8',
  place: `${device}-place`,
  device,
  kind,
  ...(building ? { building } : {}),
});

export const levelPoint = (device: string, timeMs: number, levelMm: number, seq: number, extra: Partial<Point['fields']> = {}): Point => ({
  measurement: 'drain_level',
  tags: siteTags(device),
  fields: { seq, event_id: `${device}-${seq}`, level_mm: levelMm, ...extra },
  timeMs,
  nanos: seq % 1_000_000,
});

export const heartbeatPoint = (device: string, timeMs: number, uptimeS: number, seq: number): Point => ({
  measurement: 'device_heartbeat',
  tags: siteTags(device, 'door', 'b1'),
  fields: { seq, event_id: `${device}-${seq}`, uptime_s: uptimeS },
  timeMs,
  nanos: seq,
});

export const eventPoint = (device: string, timeMs: number, seq: number, type = 'access.granted', compound = 'dl8'): Point => ({
  measurement: 'device_event',
  tags: { ...siteTags(device, 'door', 'b1'), compound, type },
  fields: { seq, event_id: `${device}-${seq}`, data: JSON.stringify({ reader: 'in', seq }) },
  timeMs,
  nanos: seq,
});

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isOcError(err, code), `expected ${code}, got ${String(err)}`).toBe(true);
}

/**
 * What every TimeSeriesStore adapter must do. Each test uses its own device ids and asks
 * only about them, so the suite can share one server; the fixture may also give each
 * test its own bucket or file.
 */
export function describeTimeSeriesBehaviour(name: string, factory: () => Promise<TimeSeriesFixture>): void {
  describe(`TimeSeriesStore behaviour: ${name}`, () => {
    let fixture: TimeSeriesFixture;
    let store: TimeSeriesStore;
    let device: string;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
      device = uniqueName('dl8-drain');
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const everything = (measurement: string, dev = device) => store.readPoints({ measurement, range: { start: BASE - HOUR, stop: BASE + 24 * HOUR }, tags: { device: dev } });

    it('reads back exactly what was written: every field type, odd characters, optional tags and fields, sub-millisecond times', async () => {
      const points: Point[] = [
        levelPoint(device, BASE, 0.1 + 0.2, 7, { distance_mm: 1199.7, depth_mm: 1500, battery_pct: 87.5, rssi_dbm: -93, overflow: false }),
        levelPoint(device, BASE + 15_000, -12.25, 8, { overflow: true }),
        {
          measurement: 'device_event',
          tags: { ...siteTags(device, 'door', '1号楼 b,1=x'), type: 'door.forced-open' },
          fields: { seq: Number.MAX_SAFE_INTEGER, event_id: 'id with "quotes", commas, = and 甸柳', data: '{"reason":"opened-without-grant","note":"back\\\\slash \\"q\\""}' },
          timeMs: BASE + 1,
          nanos: 999_999,
        },
      ];
      await store.write(points);

      expect(await everything('drain_level')).toEqual(points.slice(0, 2));
      expect(await everything('device_event')).toEqual([points[2]]);
    });

    it('stores ticket_change points, with or without a device, and tells apart entries of one millisecond by their nanoseconds', async () => {
      const compound = uniqueName('dl8');
      const ticket = (seq: number, action: string, state: string, extraTags: Record<string, string> = {}): Point => ({
        measurement: 'ticket_change',
        tags: { community: 'dianliu-8', compound, category: 'drainage', priority: 'P2', state, action, alert_type: 'drain.level-warning', ...extraTags },
        fields: { ticket_id: 'T20260601-0042', seq, version: 3, age_s: 60 },
        timeMs: BASE + MINUTE,
        nanos: 42_000 + seq,
      });
      // A compound-wide ticket names no place and no device.
      const points = [ticket(1, 'opened', 'open'), ticket(2, 'commented', 'open'), ticket(3, 'acknowledged', 'acknowledged', { place: 'm3', device })];
      await store.write(points);
      await store.write([points[0]!]);

      const stored = await store.readPoints({ measurement: 'ticket_change', range: { start: BASE, stop: BASE + HOUR }, tags: { compound } });
      expect(stored).toEqual(points);
      expect(await store.readPoints({ measurement: 'ticket_change', range: { start: BASE, stop: BASE + HOUR }, tags: { compound, action: 'opened' } })).toEqual([points[0]]);
    });

    it('keeps two readings of one millisecond apart by their nanoseconds, and returns points in time order', async () => {
      const late = levelPoint(device, BASE + 2 * MINUTE, 300, 3);
      const first = levelPoint(device, BASE, 100, 1);
      const sameMs = levelPoint(device, BASE, 200, 2);
      await store.write([late, sameMs, first]);

      expect(await everything('drain_level')).toEqual([first, sameMs, late]);
    });

    it('overwrites the fields of a point written again (same measurement, tags and time), so a redelivered batch changes nothing', async () => {
      const original = levelPoint(device, BASE, 100, 1, { battery_pct: 90 });
      await store.write([original, levelPoint(device, BASE + MINUTE, 110, 2)]);
      await store.write([original, levelPoint(device, BASE + MINUTE, 110, 2)]);
      await store.write([{ ...original, fields: { seq: 1, event_id: original.fields.event_id!, level_mm: 105 } }]);

      const stored = await everything('drain_level');
      expect(stored).toHaveLength(2);
      // The new level replaced the old; the battery, not written again, stayed.
      expect(stored[0]!.fields).toEqual({ ...original.fields, level_mm: 105 });
    });

    it('reads a half-open range [start, stop) and filters by tags', async () => {
      const other = uniqueName('dl8-drain');
      await store.write([levelPoint(device, BASE, 1, 1), levelPoint(device, BASE + MINUTE, 2, 2), levelPoint(device, BASE + 2 * MINUTE, 3, 3), levelPoint(other, BASE + MINUTE, 9, 1)]);

      const window = await store.readPoints({ measurement: 'drain_level', range: { start: BASE + MINUTE, stop: BASE + 2 * MINUTE }, tags: { device } });
      expect(window.map((p) => p.fields.level_mm)).toEqual([2]);
      const byPlace = await store.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE + HOUR }, tags: { place: `${other}-place`, compound: 'dl8' } });
      expect(byPlace.map((p) => p.tags.device)).toEqual([other]);
    });

    it('refuses points that do not fit the schema with OC_TIMESERIES_REJECTED and stores nothing of that write', async () => {
      const good = levelPoint(device, BASE, 100, 1);
      const cases: Point[] = [
        { ...levelPoint(device, BASE + 1, 1, 2), fields: { seq: 2, event_id: 'x', level_mm: '12' as unknown as number } },
        { ...levelPoint(device, BASE + 2, 1, 3), fields: { seq: 3.5, event_id: 'x', level_mm: 1 } },
        { ...levelPoint(device, BASE + 3, 1, 4), tags: { device, kind: 'drain' } },
        { ...levelPoint(device, BASE + 4, 1, 5), measurement: 'no_such_measurement' },
        { ...levelPoint(device, BASE + 5, 1, 6), fields: { seq: 6, event_id: 'x' } },
      ];
      for (const bad of cases) await expectCode(store.write([good, bad]), 'OC_TIMESERIES_REJECTED');

      expect(await everything('drain_level')).toEqual([]);
    });

    it('gives a drain level per window (mean and max), aligned to whole windows, with empty windows left out', async () => {
      const other = uniqueName('dl8-drain');
      await store.write([
        levelPoint(device, BASE + 10_000, 100, 1),
        levelPoint(device, BASE + 40_000, 300, 2),
        // nothing in the second minute
        levelPoint(device, BASE + 2 * MINUTE + 5_000, 500, 3),
        levelPoint(device, BASE + 3 * MINUTE - 1, 700, 4),
        levelPoint(other, BASE + 20_000, 9_000, 1),
      ]);

      // A range starting mid-window still counts that whole window.
      const windows = await store.drainLevel({ deviceId: device, range: { start: BASE + 30_000, stop: BASE + 2 * MINUTE + 1 }, everyMs: MINUTE });
      expect(windows).toEqual([
        { time: BASE, meanMm: 200, maxMm: 300 },
        { time: BASE + 2 * MINUTE, meanMm: 600, maxMm: 700 },
      ]);
    });

    it('tells per device in how many windows it sent heartbeats, and its last heartbeat and uptime', async () => {
      const quiet = uniqueName('dl8-door');
      const busy = uniqueName('dl8-door');
      await store.write([
        heartbeatPoint(busy, BASE + 5_000, 100, 1),
        heartbeatPoint(busy, BASE + 35_000, 130, 2),
        heartbeatPoint(busy, BASE + MINUTE + 5_000, 160, 3),
        heartbeatPoint(busy, BASE + 4 * MINUTE + 5_000, 10, 4),
        heartbeatPoint(quiet, BASE + 2 * MINUTE, 7, 1),
      ]);

      const uptime = await store.deviceUptime({ range: { start: BASE, stop: BASE + 5 * MINUTE }, everyMs: MINUTE, deviceIds: [busy, quiet] });
      expect(uptime).toEqual(
        [
          { deviceId: busy, lastHeartbeatAt: BASE + 4 * MINUTE + 5_000, uptimeS: 10, windowsReporting: 3 },
          { deviceId: quiet, lastHeartbeatAt: BASE + 2 * MINUTE, uptimeS: 7, windowsReporting: 1 },
        ].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1)),
      );
      expect(await store.deviceUptime({ range: { start: BASE, stop: BASE + 5 * MINUTE }, everyMs: MINUTE, deviceIds: [quiet] })).toHaveLength(1);
      expect(await store.deviceUptime({ range: { start: BASE, stop: BASE + 5 * MINUTE }, everyMs: MINUTE, deviceIds: [] })).toEqual([]);
    });

    it('counts events per window over the whole range, with zeros, filtered by tags', async () => {
      const door = uniqueName('dl8-door');
      await store.write([
        eventPoint(door, BASE + 1_000, 1),
        eventPoint(door, BASE + 59 * MINUTE, 2, 'door.forced-open'),
        eventPoint(door, BASE + 2 * HOUR + 1, 3),
        eventPoint(door, BASE + 2 * HOUR + 2, 4, 'access.granted', 'elsewhere'),
      ]);

      const range = { start: BASE, stop: BASE + 3 * HOUR };
      expect(await store.eventCounts({ range, everyMs: HOUR, tags: { device: door } })).toEqual([
        { time: BASE, count: 2 },
        { time: BASE + HOUR, count: 0 },
        { time: BASE + 2 * HOUR, count: 2 },
      ]);
      expect((await store.eventCounts({ range, everyMs: HOUR, tags: { device: door, type: 'access.granted', compound: 'dl8' } })).map((w) => w.count)).toEqual([1, 0, 1]);
    });

    it('answers windows of 5 minutes, 15 minutes and hours over several hours (where the embedded store reads its rollups) as the points say', async () => {
      const door = uniqueName('dl8-door');
      const start = BASE + 60 * MINUTE + 30_000;
      // A reading every 2.5 minutes for 3 hours; a heartbeat every 2 minutes except for 20 quiet minutes; an event every 7 minutes.
      const levels = Array.from({ length: 72 }, (_, i) => levelPoint(device, start + i * 150_000, (i * 37) % 500 + 0.5 * (i % 3), i + 1));
      const beats = Array.from({ length: 90 }, (_, i) => heartbeatPoint(door, start + i * 2 * MINUTE, i * 120, i + 1)).filter((p) => p.timeMs < start + HOUR || p.timeMs >= start + HOUR + 20 * MINUTE);
      const events = Array.from({ length: 26 }, (_, i) => eventPoint(door, start + i * 7 * MINUTE, i + 1, i % 3 === 0 ? 'door.forced-open' : 'access.granted'));
      await store.write([...levels, ...beats, ...events]);

      const range = { start: BASE + HOUR, stop: BASE + 4 * HOUR + 1 };
      for (const everyMs of [5 * MINUTE, 15 * MINUTE, HOUR]) {
        const windowOf = (t: number) => t - (t % everyMs);
        const byWindow = new Map<number, number[]>();
        for (const p of levels) byWindow.set(windowOf(p.timeMs), [...(byWindow.get(windowOf(p.timeMs)) ?? []), p.fields.level_mm as number]);
        const expectedLevels = [...byWindow].map(([time, mm]) => ({ time, meanMm: mm.reduce((a, b) => a + b, 0) / mm.length, maxMm: Math.max(...mm) }));
        expect(await store.drainLevel({ deviceId: device, range, everyMs }), `level per ${everyMs} ms`).toEqual(expectedLevels);

        const last = beats[beats.length - 1]!;
        expect(await store.deviceUptime({ range, everyMs, deviceIds: [door] }), `uptime per ${everyMs} ms`).toEqual([
          { deviceId: door, lastHeartbeatAt: last.timeMs, uptimeS: last.fields.uptime_s, windowsReporting: new Set(beats.map((p) => windowOf(p.timeMs))).size },
        ]);

        const forced = await store.eventCounts({ range, everyMs, tags: { device: door, type: 'door.forced-open' } });
        const expectedForced = forced.map((w) => ({ time: w.time, count: events.filter((p) => p.tags.type === 'door.forced-open' && windowOf(p.timeMs) === w.time).length }));
        expect(forced, `forced opens per ${everyMs} ms`).toEqual(expectedForced);
        expect(forced.reduce((sum, w) => sum + w.count, 0)).toBe(9);
        expect(forced.length).toBe((windowOf(range.stop) + everyMs - windowOf(range.start)) / everyMs);
      }
    });

    it('refuses queries that make no sense with OC_TIMESERIES_QUERY_INVALID', async () => {
      const range = { start: BASE, stop: BASE + HOUR };
      await expectCode(store.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE } }), 'OC_TIMESERIES_QUERY_INVALID');
      await expectCode(store.readPoints({ measurement: 'drain_level', range, tags: { secret: 'x' } }), 'OC_TIMESERIES_QUERY_INVALID');
      await expectCode(store.drainLevel({ deviceId: device, range, everyMs: 10 }), 'OC_TIMESERIES_QUERY_INVALID');
      await expectCode(store.eventCounts({ range: { start: 0, stop: 365 * 24 * HOUR }, everyMs: 1_000 }), 'OC_TIMESERIES_QUERY_INVALID');
    });

    it('keeps what it accepted across a restart, and refuses writes once closed', async () => {
      const points = [levelPoint(device, BASE, 100, 1), levelPoint(device, BASE + MINUTE, 200, 2)];
      await store.write(points);
      await store.close();
      await expectCode(store.write(points), 'OC_TIMESERIES_CLOSED');
      if (!fixture.reopen) return;
      store = await fixture.reopen();
      expect(await everything('drain_level')).toEqual(points);
    });
  });
}
