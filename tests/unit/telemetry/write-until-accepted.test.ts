import { describe, expect, it } from 'vitest';
import { isOcError, OcError } from '../../../services/shared/errors.ts';
import { backoffDelay } from '../../../services/telemetry/backoff.ts';
import { writeUntilAccepted } from '../../../services/telemetry/write-until-accepted.ts';
import type { Point, TimeSeriesWriter } from '../../../services/timeseries/port.ts';

const point = (n: number, bad = false): Point => ({
  measurement: 'drain_level',
  tags: { device: bad ? 'bad' : 'ok' },
  fields: { seq: n, event_id: `e${n}`, level_mm: n },
  timeMs: n,
  nanos: 0,
});

/** A store double: fails while `down` says so, refuses any call holding a 'bad' point, records what it took. */
class ScriptedStore implements TimeSeriesWriter {
  calls: number[][] = [];
  stored = new Map<number, Point>();
  constructor(private readonly down: (call: number) => boolean) {}
  async write(points: readonly Point[]): Promise<void> {
    this.calls.push(points.map((p) => p.timeMs));
    if (this.down(this.calls.length)) throw new OcError('OC_TIMESERIES_UNAVAILABLE', 'connection refused');
    const bad = points.find((p) => p.tags.device === 'bad');
    if (bad) throw new OcError('OC_TIMESERIES_REJECTED', `field type conflict at ${bad.timeMs}`);
    for (const p of points) this.stored.set(p.timeMs, p);
  }
}

const fast = { initialMs: 1, maxMs: 4 };

describe('writeUntilAccepted', () => {
  it('tries the same points again while the store is unavailable, and reports the outage and the recovery', async () => {
    const store = new ScriptedStore((call) => call <= 3);
    const failures: number[] = [];
    let recoveredAfter = 0;
    const refused = await writeUntilAccepted([point(1), point(2)], {
      store,
      backoff: fast,
      signal: new AbortController().signal,
      onUnavailable: (attempt) => failures.push(attempt),
      onRecovered: (n) => (recoveredAfter = n),
    });
    expect(refused).toEqual([]);
    expect(store.calls).toEqual([[1, 2], [1, 2], [1, 2], [1, 2]]);
    expect(failures).toEqual([1, 2, 3]);
    expect(recoveredAfter).toBe(3);
    expect([...store.stored.keys()]).toEqual([1, 2]);
  });

  it('splits a refused batch until each refused point stands alone, writes all the others and says why each was refused', async () => {
    const store = new ScriptedStore(() => false);
    const points = [point(1), point(2, true), point(3), point(4), point(5, true), point(6), point(7)];
    const refused = await writeUntilAccepted(points, { store, backoff: fast, signal: new AbortController().signal });
    expect(refused).toEqual([
      { index: 1, reason: expect.stringContaining('field type conflict at 2') as string },
      { index: 4, reason: expect.stringContaining('field type conflict at 5') as string },
    ]);
    expect([...store.stored.keys()].sort((a, b) => a - b)).toEqual([1, 3, 4, 6, 7]);
  });

  it('gives up uncommitted when aborted while waiting for the store', async () => {
    const store = new ScriptedStore(() => true);
    const stop = new AbortController();
    const writing = writeUntilAccepted([point(1)], { store, backoff: { initialMs: 60_000, maxMs: 60_000 }, signal: stop.signal, onUnavailable: () => stop.abort() });
    const err = await writing.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isOcError(err, 'OC_TIMESERIES_UNAVAILABLE')).toBe(true);
    expect(store.stored.size).toBe(0);
  });

  it('passes a closed store straight through instead of waiting for it', async () => {
    const closed: TimeSeriesWriter = { write: async () => Promise.reject(new OcError('OC_TIMESERIES_CLOSED')) };
    await expect(writeUntilAccepted([point(1)], { store: closed, backoff: fast, signal: new AbortController().signal })).rejects.toMatchObject({ code: 'OC_TIMESERIES_CLOSED' });
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the maximum, within ±20 % jitter', () => {
    const settings = { initialMs: 500, maxMs: 15_000 };
    expect([1, 2, 3, 6, 7, 30].map((a) => backoffDelay(a, settings, () => 0.5))).toEqual([500, 1000, 2000, 15_000, 15_000, 15_000]);
    expect(backoffDelay(2, settings, () => 0)).toBe(800);
    expect(backoffDelay(2, settings, () => 1)).toBe(1200);
  });
});
