/**
 * The property that lets the store answer from rollups at all: for every windowed query a
 * rollup tier can answer, its answer is the very one the raw points give (exact equality,
 * floats included), on random data with overwrites, duplicates, several series per
 * device and arbitrary write order; also for rollups a migration built from an older file.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations } from '../../../services/shared/sqlite-migrations.ts';
import { seriesKey } from '../../../services/timeseries/measurements.ts';
import type { FieldValue, Point, TimeRange } from '../../../services/timeseries/port.ts';
import { RawPoints } from '../../../services/timeseries/sqlite/raw-points.ts';
import { ROLLUP_TIERS } from '../../../services/timeseries/sqlite/rollup-spec.ts';
import { MIGRATIONS } from '../../../services/timeseries/sqlite/schema.ts';
import { RawWindows, RollupWindows, type WindowSource } from '../../../services/timeseries/sqlite/window-sources.ts';
import { alignRange } from '../../../services/timeseries/windows.ts';
import { sqliteStorage } from '../../support/sqlite-time-series-storage.ts';
import { BASE } from '../../support/time-series-behaviour.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The data spans these hours, starting off any window edge. */
const SPAN = { start: BASE - 17 * MINUTE - 4_321, stop: BASE + 9 * HOUR };

/** mulberry32: a small seeded generator, so a failure can be run again exactly. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return { next, int, pick: <T>(items: readonly T[]): T => items[int(items.length)]!, between: (lo: number, hi: number) => lo + int(hi - lo) };
}
type Random = ReturnType<typeof random>;

const DRAINS = ['dl8-drain-m1', 'dl8-drain-m2', 'dl8-drain-m3'];
const DOORS = ['dl8-door-b1-u1', 'dl8-door-b1-u2', 'dl8-door-b2-u1'];
// Two places per device: a device moved is two series of one device.
const PLACES = ['p1', 'p2'];
const EVENT_TYPES = ['access.granted', 'door.forced-open', 'door.held-open'];

const tags = (device: string, kind: string, place: string, extra: Record<string, string> = {}) => ({ community: 'dianliu-8', compound: 'dl8', place, device, kind, ...extra });

/** Levels with all the digits a double has, a few repeated ones (ties at min and max), negatives. */
function level(r: Random): number {
  const roll = r.next();
  if (roll < 0.15) return r.pick([0, 250, 250, 612.5]);
  return (r.next() - 0.1) * 3_000 + r.next() / 7;
}

function randomPoint(r: Random, seq: number): Point {
  const timeMs = r.between(SPAN.start, SPAN.stop);
  const nanos = r.int(4);
  const kind = r.next();
  if (kind < 0.45) {
    return { measurement: 'drain_level', tags: tags(r.pick(DRAINS), 'drain', r.pick(PLACES)), fields: { seq, event_id: `e${seq}`, level_mm: level(r), ...(r.next() < 0.3 ? { battery_pct: 80 } : {}) }, timeMs, nanos };
  }
  if (kind < 0.75) {
    return { measurement: 'device_heartbeat', tags: tags(r.pick(DOORS), 'door', r.pick(PLACES), { building: 'b1' }), fields: { seq, event_id: `e${seq}`, uptime_s: r.int(100_000) }, timeMs, nanos };
  }
  return { measurement: 'device_event', tags: tags(r.pick(DOORS), 'door', r.pick(PLACES), { type: r.pick(EVENT_TYPES) }), fields: { seq, event_id: `e${seq}`, data: '{"reader":"in"}' }, timeMs, nanos };
}

/** Points, then batches of them in random order, with repeats and overwrites with new values. */
function randomBatches(r: Random, count: number): Point[][] {
  const points = Array.from({ length: count }, (_, i) => randomPoint(r, i));
  const writes: Point[] = [];
  for (const p of points) {
    writes.push(p);
    if (r.next() < 0.25) writes.push(p); // redelivered as it was
    if (r.next() < 0.25) {
      const again: Record<string, FieldValue> =
        p.measurement === 'drain_level' ? { level_mm: level(r) } : p.measurement === 'device_heartbeat' ? { uptime_s: r.int(100_000) } : { data: '{"reader":"out"}' };
      // Later, with new values: and with the other fields left out, which must stay.
      writes.push({ ...p, fields: { seq: p.fields.seq!, event_id: p.fields.event_id!, ...again } });
    }
  }
  // Shuffled within a window of a few dozen writes: overwrites may come before or after what they overwrite.
  for (let i = writes.length - 1; i > 0; i--) {
    const j = Math.max(0, i - r.int(40));
    [writes[i], writes[j]] = [writes[j]!, writes[i]!];
  }
  const batches: Point[][] = [];
  for (let i = 0; i < writes.length; ) {
    const size = 1 + r.int(60);
    batches.push(writes.slice(i, i + size));
    i += size;
  }
  return batches;
}

interface Query {
  range: TimeRange;
  everyMs: number;
}

function randomQuery(r: Random, everyMs: number): Query {
  const start = r.between(SPAN.start - HOUR, SPAN.stop);
  return { range: { start, stop: start + r.between(1, 6 * HOUR) }, everyMs };
}

/** What the port asks, as each source answers it. */
function answers(source: WindowSource, q: Query, r: Random) {
  const aligned = alignRange(q.range, q.everyMs);
  const deviceIds = r.next() < 0.5 ? undefined : [r.pick(DOORS), r.pick(DOORS)];
  const eventTags: [string, string][] = r.next() < 0.5 ? [] : r.next() < 0.5 ? [['type', r.pick(EVENT_TYPES)]] : [['device', r.pick(DOORS)], ['place', r.pick(PLACES)]];
  return {
    levels: DRAINS.map((d) => source.drainLevel(d, aligned, q.everyMs)),
    uptime: source.deviceUptime(aligned, q.everyMs, deviceIds),
    events: source.eventCounts(aligned, q.everyMs, eventTags),
  };
}

/**
 * For each tier, random queries with windows that are multiples of it: the tier's answers
 * equal raw's. Returns how many windows came back non-empty, so a caller can check the
 * comparison was not between two empty answers.
 */
function expectRollupsEqualRaw(db: Database.Database, seed: number, queriesPerTier: number): number {
  const raw = new RawWindows(db);
  let windowsCompared = 0;
  for (const tier of ROLLUP_TIERS) {
    const rollup = new RollupWindows(db, tier);
    for (let i = 0; i < queriesPerTier; i++) {
      const r = random(seed * 1_000 + i);
      const q = randomQuery(r, tier.windowMs * r.pick([1, 1, 2, 3, 4, 6, 12]));
      // The same draws of devices and tags for both sources.
      const expected = answers(raw, q, random(seed * 7 + i));
      const actual = answers(rollup, q, random(seed * 7 + i));
      expect(actual, `${tier.name}, query ${JSON.stringify(q)}`).toEqual(expected);
      windowsCompared += expected.levels.flat().length + expected.uptime.length + expected.events.length;
    }
  }
  return windowsCompared;
}

describe('rollups answer as the raw points do', () => {
  let storage: ReturnType<typeof sqliteStorage>;
  beforeEach(() => {
    storage = sqliteStorage();
  });
  afterEach(async () => {
    await storage.cleanup();
  });

  for (const seed of [1, 2, 3]) {
    it(`gives the same drain levels, uptimes and event counts from every tier as from raw points (seed ${seed})`, async () => {
      const store = storage.open();
      for (const batch of randomBatches(random(seed), 1_500)) await store.write(batch);

      const compared = expectRollupsEqualRaw(storage.connect(), seed, 40);
      expect(compared).toBeGreaterThan(500);

      // And the store, whichever table it picks, answers the same as raw points.
      const raw = new RawWindows(storage.connect());
      const q = { range: SPAN, everyMs: HOUR };
      const aligned = alignRange(SPAN, HOUR);
      expect(store.sourceOf(aligned, HOUR)).toBe('1h');
      expect(await store.drainLevel({ ...q, deviceId: DRAINS[0]! })).toEqual(raw.drainLevel(DRAINS[0]!, aligned, HOUR));
      expect(await store.deviceUptime(q)).toEqual(raw.deviceUptime(aligned, HOUR, undefined));
    });
  }

  it('gives a file written before rollups existed its rollups from the raw points it holds', async () => {
    // A version-1 file, written as the store did then: the same raw upsert, without rollups.
    const old = new Database(storage.path);
    applyMigrations(old, MIGRATIONS.slice(0, 1), 'time-series file');
    const raw = new RawPoints(old);
    old.transaction(() => {
      for (const batch of randomBatches(random(42), 1_000)) for (const p of batch) raw.write(p, seriesKey(p));
    })();
    old.close();

    const store = storage.open();
    const db = storage.connect();
    expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: MIGRATIONS.length });
    expect(expectRollupsEqualRaw(db, 42, 30)).toBeGreaterThan(300);

    // Writes after the upgrade keep them in step.
    for (const batch of randomBatches(random(43), 300)) await store.write(batch);
    expectRollupsEqualRaw(db, 43, 20);
  });
});
