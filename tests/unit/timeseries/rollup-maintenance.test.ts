/**
 * The rollup tables kept in step with every write (services/timeseries/sqlite/rollups.ts),
 * looked at directly through a second connection to the file.
 */
import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import type { Point } from '../../../services/timeseries/port.ts';
import { sqliteStorage } from '../../support/sqlite-time-series-storage.ts';
import { BASE, eventPoint, heartbeatPoint, levelPoint } from '../../support/time-series-behaviour.ts';

const MINUTE = 60_000;
const FIVE = 5 * MINUTE;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DRAIN = 'dl8-drain-m3';

interface FieldWindow {
  start: number;
  count: number;
  sumMilli: number;
  min: number;
  max: number;
}

const levelWindows = (db: Database, windowMs: number, device = DRAIN): FieldWindow[] =>
  db
    .prepare(
      `SELECT f.start_ms AS start, f.count, f.sum_milli AS sumMilli, f.min_value AS min, f.max_value AS max
       FROM rollup_fields f JOIN rollup_series s ON s.id = f.series_id
       WHERE s.device = ? AND f.window_ms = ? AND f.field = 'level_mm' ORDER BY f.start_ms`,
    )
    .all(device, windowMs) as FieldWindow[];

const pointWindows = (db: Database, measurement: string, windowMs: number) =>
  db
    .prepare(
      `SELECT s.device, r.start_ms AS start, r.points, r.last_ms AS lastMs, r.last_nanos AS lastNanos, r.last_fields AS lastFields
       FROM rollup_windows r JOIN rollup_series s ON s.id = r.series_id
       WHERE s.measurement = ? AND r.window_ms = ? ORDER BY s.device, r.start_ms`,
    )
    .all(measurement, windowMs) as { device: string; start: number; points: number; lastMs: number; lastNanos: number; lastFields: string | null }[];

/** The same point with another level (same identity: measurement, tags, time, nanos). */
const relevel = (p: Point, levelMm: number): Point => ({ ...p, fields: { ...p.fields, level_mm: levelMm } });

describe('rollup maintenance', () => {
  let storage: ReturnType<typeof sqliteStorage>;
  let db: Database;
  beforeEach(() => {
    storage = sqliteStorage();
  });
  afterEach(async () => {
    await storage.cleanup();
  });
  const open = (...args: Parameters<ReturnType<typeof sqliteStorage>['open']>) => {
    const store = storage.open(...args);
    db = storage.connect();
    return store;
  };

  it('counts every point once in the window of each tier it falls in, windows starting on their epoch-aligned edge', async () => {
    const store = open();
    // BASE is a whole hour: the edges of both tiers' windows, and a millisecond either side.
    const points = [
      levelPoint(DRAIN, BASE, 100.25, 1),
      levelPoint(DRAIN, BASE + FIVE - 1, -12.5, 2),
      levelPoint(DRAIN, BASE + FIVE, 7, 3),
      levelPoint(DRAIN, BASE + HOUR - 1, 300, 4),
      levelPoint(DRAIN, BASE + HOUR, 0.001, 5),
    ];
    // Out of order and in two batches: what a window holds does not depend on either.
    await store.write([points[3]!, points[0]!]);
    await store.write([points[4]!, points[2]!, points[1]!]);

    expect(levelWindows(db, FIVE)).toEqual([
      { start: BASE, count: 2, sumMilli: 100_250 - 12_500, min: -12.5, max: 100.25 },
      { start: BASE + FIVE, count: 1, sumMilli: 7_000, min: 7, max: 7 },
      { start: BASE + HOUR - FIVE, count: 1, sumMilli: 300_000, min: 300, max: 300 },
      { start: BASE + HOUR, count: 1, sumMilli: 1, min: 0.001, max: 0.001 },
    ]);
    expect(levelWindows(db, HOUR)).toEqual([
      { start: BASE, count: 4, sumMilli: 100_250 - 12_500 + 7_000 + 300_000, min: -12.5, max: 300 },
      { start: BASE + HOUR, count: 1, sumMilli: 1, min: 0.001, max: 0.001 },
    ]);
    expect(pointWindows(db, 'drain_level', HOUR).map((w) => w.points)).toEqual([4, 1]);
  });

  it('counts a point written again only once, also when one batch holds it twice', async () => {
    const store = open();
    const level = [levelPoint(DRAIN, BASE + 1_000, 120, 1), levelPoint(DRAIN, BASE + 2_000, 140, 2)];
    const door = 'dl8-door-b1-u1';
    const others = [eventPoint(door, BASE + 3_000, 1), heartbeatPoint(door, BASE + 4_000, 60, 2)];
    await store.write([...level, ...others]);
    const before = { levels: levelWindows(db, FIVE), events: pointWindows(db, 'device_event', FIVE), beats: pointWindows(db, 'device_heartbeat', HOUR) };

    await store.write([...level, ...others]);
    await store.write([level[0]!, level[0]!, others[0]!, others[0]!, level[1]!]);

    expect(levelWindows(db, FIVE)).toEqual(before.levels);
    expect(before.levels[0]).toMatchObject({ count: 2, sumMilli: 260_000 });
    expect(pointWindows(db, 'device_event', FIVE)).toEqual(before.events);
    expect(before.events.map((w) => w.points)).toEqual([1]);
    expect(pointWindows(db, 'device_heartbeat', HOUR)).toEqual(before.beats);
  });

  it('moves the sum by the difference when a level is overwritten, keeping min and max the old level did not hold up', async () => {
    const store = open();
    const [low, middle, high] = [levelPoint(DRAIN, BASE, 100, 1), levelPoint(DRAIN, BASE + MINUTE, 200, 2), levelPoint(DRAIN, BASE + 2 * MINUTE, 300, 3)];
    await store.write([low!, middle!, high!]);

    await store.write([relevel(middle!, 250)]);
    expect(levelWindows(db, FIVE)).toEqual([{ start: BASE, count: 3, sumMilli: 650_000, min: 100, max: 300 }]);

    // A new extreme widens at once.
    await store.write([relevel(middle!, 400)]);
    expect(levelWindows(db, HOUR)).toEqual([{ start: BASE, count: 3, sumMilli: 800_000, min: 100, max: 400 }]);
  });

  it('computes a window again from its raw points when an overwrite takes back its min or its max', async () => {
    const store = open();
    const [low, middle, high] = [levelPoint(DRAIN, BASE, 100, 1), levelPoint(DRAIN, BASE + MINUTE, 200, 2), levelPoint(DRAIN, BASE + 2 * MINUTE, 300, 3)];
    await store.write([low!, middle!, high!]);

    await store.write([relevel(high!, 150)]);
    expect(levelWindows(db, FIVE)).toEqual([{ start: BASE, count: 3, sumMilli: 450_000, min: 100, max: 200 }]);
    await store.write([relevel(low!, 180)]);
    for (const tier of [FIVE, HOUR]) expect(levelWindows(db, tier)).toEqual([{ start: BASE, count: 3, sumMilli: 530_000, min: 150, max: 200 }]);
  });

  it('past the raw retention, keeps count and sum exact on an overwrite and widens min and max only', async () => {
    const clock = new ManualClock(BASE + HOUR);
    const store = open({ retentionMs: DAY, clock });
    const [low, high, alone] = [levelPoint(DRAIN, BASE, 100, 1), levelPoint(DRAIN, BASE + MINUTE, 300, 2), levelPoint(DRAIN, BASE + 10 * MINUTE, 500, 3)];
    await store.write([low!, high!, alone!]);
    // A day later the windows are older than the raw points are kept: they may be gone, so
    // no window is computed from them again.
    clock.advance(DAY);
    await store.write([relevel(high!, 150), relevel(alone!, 50)]);

    expect(levelWindows(db, FIVE)).toEqual([
      { start: BASE, count: 2, sumMilli: 250_000, min: 100, max: 300 },
      // A window of one value is exact all the same.
      { start: BASE + 10 * MINUTE, count: 1, sumMilli: 50_000, min: 50, max: 50 },
    ]);
    expect(levelWindows(db, HOUR)).toEqual([{ start: BASE, count: 3, sumMilli: 300_000, min: 50, max: 500 }]);
  });

  it("keeps each window's newest heartbeat with its fields, also when that heartbeat is written again", async () => {
    const store = open();
    const door = 'dl8-door-b2-u1';
    const first = heartbeatPoint(door, BASE + 10_000, 10, 1);
    const sameMsLater = heartbeatPoint(door, BASE + 20_000, 20, 2);
    const newest = heartbeatPoint(door, BASE + 20_000, 21, 3);
    await store.write([newest, first, sameMsLater]);

    const last = () => pointWindows(db, 'device_heartbeat', FIVE).map((w) => ({ points: w.points, lastMs: w.lastMs, lastNanos: w.lastNanos, uptime: JSON.parse(w.lastFields!).uptime_s as number }));
    expect(last()).toEqual([{ points: 3, lastMs: BASE + 20_000, lastNanos: 3, uptime: 21 }]);

    await store.write([{ ...newest, fields: { ...newest.fields, uptime_s: 25 } }, { ...first, fields: { ...first.fields, uptime_s: 99 } }]);
    expect(last()).toEqual([{ points: 3, lastMs: BASE + 20_000, lastNanos: 3, uptime: 25 }]);
    // Only heartbeats keep the newest point's fields; the other measurements only its time.
    await store.write([levelPoint(DRAIN, BASE, 1, 1)]);
    expect(pointWindows(db, 'drain_level', FIVE)[0]!.lastFields).toBeNull();
  });

  it('writes the rollups in the same transaction as the raw points: a write that fails leaves neither', async () => {
    const store = open();
    await store.write([levelPoint(DRAIN, BASE, 100, 1)]);
    // The second point of the next batch makes the raw insert fail, after the first point and its rollups went in.
    db.exec(`CREATE TRIGGER refuse_one BEFORE INSERT ON points WHEN NEW.time_ms = ${BASE + 2 * MINUTE} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    const failed = await store.write([levelPoint(DRAIN, BASE + MINUTE, 500, 2), levelPoint(DRAIN, BASE + 2 * MINUTE, 700, 3)]).then(
      () => undefined,
      (err: unknown) => err,
    );

    expect(isOcError(failed, 'OC_TIMESERIES_REJECTED')).toBe(true);
    expect(levelWindows(db, FIVE)).toEqual([{ start: BASE, count: 1, sumMilli: 100_000, min: 100, max: 100 }]);
    expect(await store.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE + HOUR } })).toHaveLength(1);
  });

  it('refuses a level beyond what sums of thousandths hold exactly, naming the point and the field, and stores nothing of that write', async () => {
    const store = open();
    const err = await store.write([levelPoint(DRAIN, BASE, 100, 1), levelPoint(DRAIN, BASE + 1, 2e9, 2)]).then(
      () => undefined,
      (e: unknown) => e,
    );

    expect(isOcError(err, 'OC_TIMESERIES_REJECTED')).toBe(true);
    expect(isOcError(err) && err.details).toMatchObject({ index: 1, field: 'fields.level_mm' });
    expect(levelWindows(db, FIVE)).toEqual([]);
    expect(await store.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE + HOUR } })).toEqual([]);
  });
});
