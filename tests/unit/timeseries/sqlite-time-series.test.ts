import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { SCHEMA_VERSION } from '../../../services/timeseries/sqlite/schema.ts';
import { sqliteStorage } from '../../support/sqlite-time-series-storage.ts';
import { BASE, describeTimeSeriesBehaviour, eventPoint, levelPoint } from '../../support/time-series-behaviour.ts';

describeTimeSeriesBehaviour('SqliteTimeSeries', async () => {
  const storage = sqliteStorage();
  return { store: storage.open(), reopen: async () => storage.open(), cleanup: storage.cleanup };
});

describe('SqliteTimeSeries specifics', () => {
  let storage: ReturnType<typeof sqliteStorage>;
  beforeEach(() => {
    storage = sqliteStorage();
  });
  afterEach(async () => {
    await storage.cleanup();
  });

  it('deletes points older than the retention, by their time, and keeps the rest', async () => {
    const clock = new ManualClock(BASE);
    const store = storage.open({ retentionMs: 60 * 60_000, clock });
    const old = [levelPoint('dl8-drain-m1', BASE - 2 * 3_600_000, 10, 1), eventPoint('dl8-door-1', BASE - 61 * 60_000, 1)];
    const fresh = [levelPoint('dl8-drain-m1', BASE - 59 * 60_000, 20, 2), eventPoint('dl8-door-1', BASE, 2)];
    await store.write([...old, ...fresh]);

    expect(await store.sweepExpired()).toBe(2);

    const range = { start: 0, stop: BASE + 1 };
    expect(await store.readPoints({ measurement: 'drain_level', range })).toEqual([fresh[0]]);
    expect(await store.readPoints({ measurement: 'device_event', range })).toEqual([fresh[1]]);
    clock.advance(60 * 60_000);
    expect(await store.sweepExpired()).toBe(1);
  });

  it('creates its schema once and refuses a file from a newer version', async () => {
    storage.open();
    const db = storage.connect();
    expect(db.prepare('SELECT version FROM schema_version').get()).toEqual({ version: SCHEMA_VERSION });
    db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    expect(() => storage.open()).toThrow(/schema version/);
  });

  it('lets a second connection read what the first wrote (the API may run in another process)', async () => {
    const writer = storage.open();
    const reader = storage.open();
    const point = levelPoint('dl8-drain-m2', BASE, 42, 1);
    await writer.write([point]);
    expect(await reader.readPoints({ measurement: 'drain_level', range: { start: BASE, stop: BASE + 1 } })).toEqual([point]);
  });
});
