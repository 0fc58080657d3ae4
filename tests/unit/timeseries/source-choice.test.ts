import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { chooseSource, type SourceCandidate } from '../../../services/timeseries/sqlite/source-choice.ts';
import { sqliteStorage } from '../../support/sqlite-time-series-storage.ts';
import { BASE, eventPoint, heartbeatPoint, levelPoint } from '../../support/time-series-behaviour.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const NOW = 2_000 * DAY;

/** As the store passes them: raw 30 days, 5-minute rollups 90 days, hourly ones two years. */
const candidates = (raw: number | undefined = 30 * DAY, fiveMin: number | undefined = 90 * DAY, hour: number | undefined = 730 * DAY): SourceCandidate[] => [
  { source: 'raw', windowMs: 1, retentionMs: raw },
  { source: '5m', windowMs: 5 * MINUTE, retentionMs: fiveMin },
  { source: '1h', windowMs: HOUR, retentionMs: hour },
];

/** A range of `days` ending `endDaysAgo` before NOW (whole hours, so aligned for every window asked here). */
const daysBack = (days: number, endDaysAgo = 0) => ({ start: NOW - (endDaysAgo + days) * DAY, stop: NOW - endDaysAgo * DAY });

describe('chooseSource', () => {
  it('answers windows finer than 5 minutes, or not made of whole 5 minutes, from raw points', () => {
    for (const everyMs of [15_000, MINUTE, 3 * MINUTE, 7 * MINUTE, 62 * MINUTE]) {
      expect(chooseSource(daysBack(1), everyMs, NOW, candidates())).toBe('raw');
    }
  });

  it('answers whole multiples of a rollup window from the coarsest rollup that divides them', () => {
    expect(chooseSource(daysBack(1), 5 * MINUTE, NOW, candidates())).toBe('5m');
    expect(chooseSource(daysBack(1), 10 * MINUTE, NOW, candidates())).toBe('5m');
    expect(chooseSource(daysBack(1), 90 * MINUTE, NOW, candidates())).toBe('5m');
    expect(chooseSource(daysBack(1), HOUR, NOW, candidates())).toBe('1h');
    expect(chooseSource(daysBack(7), DAY, NOW, candidates())).toBe('1h');
  });

  it('goes to a coarser rollup when a finer source no longer holds the start of the range', () => {
    // 105 days back: the 5-minute rollups keep 90; windows of two hours are whole hours, the hourly rollups hold them.
    expect(chooseSource(daysBack(10, 95), 2 * HOUR, NOW, candidates())).toBe('1h');
    // Ten-minute windows there have no source holding the start: the 5-minute rollups reach furthest.
    expect(chooseSource(daysBack(10, 95), 10 * MINUTE, NOW, candidates())).toBe('5m');
    // A range starting exactly at a retention's edge is still held whole.
    expect(chooseSource({ start: NOW - 90 * DAY, stop: NOW }, 5 * MINUTE, NOW, candidates())).toBe('5m');
  });

  it('falls back to the source reaching furthest back when none holds the whole range', () => {
    // One-minute windows 40 days back: only raw points have that resolution, and they are partly gone.
    expect(chooseSource(daysBack(1, 40), MINUTE, NOW, candidates())).toBe('raw');
    // Raw points kept longer than the 5-minute rollups (an odd but valid setting): raw answers 5-minute windows beyond 90 days.
    expect(chooseSource(daysBack(1, 120), 5 * MINUTE, NOW, candidates(200 * DAY))).toBe('raw');
    // Beyond every retention, the coarsest usable one reaches furthest.
    expect(chooseSource(daysBack(1, 1_000), HOUR, NOW, candidates())).toBe('1h');
  });

  it('treats a retention left unset as keeping everything', () => {
    expect(chooseSource(daysBack(1, 900), HOUR, NOW, candidates(undefined, undefined, undefined))).toBe('1h');
    expect(chooseSource(daysBack(1, 900), MINUTE, NOW, candidates(undefined, undefined, undefined))).toBe('raw');
    expect(chooseSource(daysBack(1, 900), 5 * MINUTE, NOW, candidates(30 * DAY, undefined, 730 * DAY))).toBe('5m');
  });
});

describe('SqliteTimeSeries query routing', () => {
  let storage: ReturnType<typeof sqliteStorage>;
  beforeEach(() => {
    storage = sqliteStorage();
  });
  afterEach(async () => {
    await storage.cleanup();
  });

  it('answers whole 5-minute and hourly windows from the rollups and finer ones from the raw points', async () => {
    const clock = new ManualClock(BASE + 3 * HOUR);
    const store = storage.open({ retentionMs: 30 * DAY, rollupRetentionMs: { '5m': 90 * DAY, '1h': 730 * DAY }, clock });
    const [drain, door] = ['dl8-drain-m1', 'dl8-door-b1-u1'];
    // One reading, heartbeat and event a minute for two hours.
    await store.write(
      Array.from({ length: 120 }, (_, i) => [levelPoint(drain, BASE + i * MINUTE, 100 + i, i), heartbeatPoint(door, BASE + i * MINUTE + 1, i * 60, i), eventPoint(door, BASE + i * MINUTE + 2, i)]).flat(),
    );
    const range = { start: BASE, stop: BASE + 2 * HOUR };
    const ask = async (everyMs: number) => ({
      level: await store.drainLevel({ deviceId: drain, range, everyMs }),
      uptime: await store.deviceUptime({ range, everyMs }),
      events: await store.eventCounts({ range, everyMs }),
    });
    const everies = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR];
    const before = await Promise.all(everies.map(ask));
    expect(everies.map((everyMs) => store.sourceOf(range, everyMs))).toEqual(['raw', '5m', '5m', '1h']);

    // With the raw points gone, what came from rollups is unchanged, and minute windows are empty.
    storage.connect().exec('DELETE FROM points');
    const after = await Promise.all(everies.map(ask));
    expect(after.slice(1)).toEqual(before.slice(1));
    expect(after[0]).toEqual({ level: [], uptime: [], events: before[0]!.events.map((w) => ({ ...w, count: 0 })) });
    // The answers were not empty to begin with.
    expect(before[3]!.level).toHaveLength(2);
    expect(before[1]!.uptime).toEqual([{ deviceId: door, lastHeartbeatAt: BASE + 119 * MINUTE + 1, uptimeS: 119 * 60, windowsReporting: 24 }]);
    expect(before[3]!.events.map((w) => w.count)).toEqual([60, 60]);
  });

  it('moves to the hourly rollups for ranges the 5-minute ones no longer hold', () => {
    const clock = new ManualClock(BASE);
    const store = storage.open({ retentionMs: 30 * DAY, rollupRetentionMs: { '5m': 90 * DAY, '1h': 730 * DAY }, clock });
    const recent = { start: BASE - 2 * DAY, stop: BASE };
    const old = { start: BASE - 100 * DAY, stop: BASE - 99 * DAY };
    expect(store.sourceOf(recent, 3 * HOUR)).toBe('1h');
    expect(store.sourceOf(recent, 30 * MINUTE)).toBe('5m');
    expect(store.sourceOf(old, 3 * HOUR)).toBe('1h');
    expect(store.sourceOf(old, 2 * MINUTE)).toBe('raw');
  });
});
