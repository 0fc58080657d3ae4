/**
 * Each table of the embedded store keeps its rows for its own retention: raw points the
 * shortest, 5-minute rollups longer, hourly ones longest. Time moves by a ManualClock.
 */
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { sqliteStorage } from '../../support/sqlite-time-series-storage.ts';
import { BASE, eventPoint, levelPoint } from '../../support/time-series-behaviour.ts';

const MINUTE = 60_000;
const FIVE = 5 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DRAIN = 'dl8-drain-m3';
const DOOR = 'dl8-door-b1-u1';

const rowsOf = (db: Database) => ({
  raw: (db.prepare('SELECT COUNT(*) AS n FROM points').get() as { n: number }).n,
  fiveMinute: (db.prepare('SELECT COUNT(*) AS n FROM rollup_windows WHERE window_ms = ?').get(FIVE) as { n: number }).n,
  hour: (db.prepare('SELECT COUNT(*) AS n FROM rollup_windows WHERE window_ms = ?').get(HOUR) as { n: number }).n,
  fields: (db.prepare('SELECT COUNT(*) AS n FROM rollup_fields').get() as { n: number }).n,
});

describe('retention of raw points and rollups', () => {
  let storage: ReturnType<typeof sqliteStorage>;
  beforeEach(() => {
    storage = sqliteStorage();
  });
  afterEach(async () => {
    await storage.cleanup();
  });

  it('deletes raw points after the raw retention, 5-minute windows after theirs, hourly windows after theirs', async () => {
    const clock = new ManualClock(BASE + HOUR);
    const store = storage.open({ retentionMs: DAY, rollupRetentionMs: { '5m': 3 * DAY, '1h': 10 * DAY }, clock });
    const db = storage.connect();
    // Two 5-minute windows (BASE, BASE + 5 min) in one hourly window (BASE).
    await store.write([levelPoint(DRAIN, BASE + MINUTE, 100, 1), levelPoint(DRAIN, BASE + 6 * MINUTE, 300, 2), eventPoint(DOOR, BASE + 2 * MINUTE, 1)]);
    expect(rowsOf(db)).toEqual({ raw: 3, fiveMinute: 3, hour: 2, fields: 3 });
    const level = (everyMs: number) => store.drainLevel({ deviceId: DRAIN, range: { start: BASE, stop: BASE + HOUR }, everyMs });
    const events = (everyMs: number) => store.eventCounts({ range: { start: BASE, stop: BASE + HOUR }, everyMs, tags: { device: DOOR } });

    // A point goes once its time is older than the raw retention.
    clock.set(BASE + MINUTE + DAY);
    expect(await store.sweepExpired()).toBe(0);
    clock.advance(1);
    expect(await store.sweepExpired()).toBe(1);
    clock.set(BASE + 6 * MINUTE + DAY + 1);
    expect(await store.sweepExpired()).toBe(2);
    expect(rowsOf(db)).toEqual({ raw: 0, fiveMinute: 3, hour: 2, fields: 3 });
    // Minute windows had only raw points; 5-minute and hourly ones are still there.
    expect(await level(MINUTE)).toEqual([]);
    expect(await level(FIVE)).toEqual([
      { time: BASE, meanMm: 100, maxMm: 100 },
      { time: BASE + FIVE, meanMm: 300, maxMm: 300 },
    ]);
    expect(await level(HOUR)).toEqual([{ time: BASE, meanMm: 200, maxMm: 300 }]);

    // A rollup window goes once all of it is older than its tier's retention.
    clock.set(BASE + FIVE + 3 * DAY - 1);
    expect(await store.sweepExpired()).toBe(0);
    clock.advance(1);
    expect(await store.sweepExpired()).toBe(2);
    expect(rowsOf(db)).toEqual({ raw: 0, fiveMinute: 1, hour: 2, fields: 2 });
    clock.set(BASE + 2 * FIVE + 3 * DAY);
    expect(await store.sweepExpired()).toBe(1);
    expect(rowsOf(db)).toEqual({ raw: 0, fiveMinute: 0, hour: 2, fields: 1 });
    expect(await level(FIVE)).toEqual([]);
    expect(await level(HOUR)).toEqual([{ time: BASE, meanMm: 200, maxMm: 300 }]);
    expect((await events(HOUR)).map((w) => w.count)).toEqual([1]);

    clock.set(BASE + HOUR + 10 * DAY - 1);
    expect(await store.sweepExpired()).toBe(0);
    clock.advance(1);
    expect(await store.sweepExpired()).toBe(2);
    expect(rowsOf(db)).toEqual({ raw: 0, fiveMinute: 0, hour: 0, fields: 0 });
    expect(await level(HOUR)).toEqual([]);
    expect((await events(HOUR)).map((w) => w.count)).toEqual([0]);
  });

  it('keeps rollups of a tier without a retention for ever, and leaves sweeping to the writer when asked', async () => {
    const clock = new ManualClock(BASE + HOUR);
    const writer = storage.open({ retentionMs: DAY, rollupRetentionMs: { '5m': 3 * DAY }, clock });
    const reader = storage.open({ retentionMs: DAY, rollupRetentionMs: { '5m': 3 * DAY }, sweep: false, clock });
    const db = storage.connect();
    await writer.write([levelPoint(DRAIN, BASE, 100, 1)]);

    clock.advance(1_000 * DAY);
    expect(await reader.sweepExpired()).toBe(0);
    expect(rowsOf(db)).toEqual({ raw: 1, fiveMinute: 1, hour: 1, fields: 2 });
    expect(await writer.sweepExpired()).toBe(2);
    expect(rowsOf(db)).toEqual({ raw: 0, fiveMinute: 0, hour: 1, fields: 1 });
    expect(await reader.drainLevel({ deviceId: DRAIN, range: { start: BASE, stop: BASE + HOUR }, everyMs: HOUR })).toEqual([{ time: BASE, meanMm: 100, maxMm: 100 }]);
  });

  it('refuses a retention that is not a positive number, naming it', () => {
    expect(() => storage.open({ rollupRetentionMs: { '1h': 0 } })).toThrow(/rollupRetentionMs\.1h must be a positive number/);
    expect(() => storage.open({ retentionMs: Number.NaN })).toThrow(/retentionMs must be a positive number/);
  });
});
