import { describe, expect, it } from 'vitest';
import { DrainModel, type DrainModelOptions } from '../../../simulators/models/drain.ts';
import type { DeviceOutput } from '../../../simulators/models/model.ts';
import { createRng } from '../../../simulators/prng.ts';
import { device, jinan, siteDevices } from './fixtures.ts';

const MIDNIGHT = jinan('2026-07-15T00:00:00');
const HOUR = 3600_000;

function drain(id: string, startMs: number, extra: Partial<DrainModelOptions> = {}, seed = 1): DrainModel {
  return new DrainModel({ device: device(id), rng: createRng(seed), startMs, ...extra });
}

const levels = (outputs: DeviceOutput[]) => outputs.map((o) => o.data.levelMm as number);
const max = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), -Infinity);
const inWindow = (outputs: DeviceOutput[], from: number, to: number) => outputs.filter((o) => o.at >= from && o.at < to);

describe('drain model', () => {
  it('a dry day stays well below 30% of depth at every reference manhole, with lunch and dinner humps', () => {
    const drains = siteDevices.filter((d) => d.kind === 'drain');
    expect(drains).toHaveLength(8);
    for (const [i, d] of drains.entries()) {
      const outputs = drain(d.id, MIDNIGHT, {}, 100 + i).advance(MIDNIGHT + 24 * HOUR);
      expect(outputs.length).toBeGreaterThanOrEqual(24 * 60 - 1);
      expect(max(levels(outputs))).toBeLessThan(0.3 * d.depthMm!);
      expect(outputs.some((o) => o.data.overflow)).toBe(false);
      const night = max(levels(inWindow(outputs, MIDNIGHT + 2 * HOUR, MIDNIGHT + 5 * HOUR)));
      const dinner = max(levels(inWindow(outputs, MIDNIGHT + 18 * HOUR, MIDNIGHT + 20 * HOUR)));
      expect(dinner).toBeGreaterThan(night);
    }
  });

  it('reports every minute with the telemetry fields, distance and level consistent, battery falling', () => {
    const outputs = drain('dl8-drain-m2', MIDNIGHT).advance(MIDNIGHT + 12 * HOUR);
    for (const [i, o] of outputs.entries()) {
      expect(o).toMatchObject({ channel: 'telemetry', type: 'drain.level' });
      expect(Object.keys(o.data).sort()).toEqual(['batteryPct', 'depthMm', 'distanceMm', 'levelMm', 'overflow', 'rssiDbm']);
      expect((o.data.levelMm as number) + (o.data.distanceMm as number)).toBe(1400);
      expect(o.data.rssiDbm).toBeGreaterThanOrEqual(-120);
      expect(o.data.rssiDbm).toBeLessThanOrEqual(-60);
      if (i > 0) {
        expect(o.at - outputs[i - 1]!.at).toBe(60_000);
        expect(o.data.batteryPct).toBeLessThanOrEqual(outputs[i - 1]!.data.batteryPct as number);
      }
    }
    expect(outputs.at(-1)!.data.batteryPct).toBeLessThan(outputs[0]!.data.batteryPct as number);
    expect(new Set(outputs.map((o) => o.data.rssiDbm)).size).toBeGreaterThan(3);
  });

  it('keeps sensor noise within its bound around the true level', () => {
    const model = drain('dl8-drain-m3', MIDNIGHT, { noiseMaxMm: 10 });
    model.schedule({ do: 'rainstorm', durationS: 1800, intensityMmH: 30 }, MIDNIGHT + HOUR);
    let compared = 0;
    for (let t = MIDNIGHT + 1000; t <= MIDNIGHT + 4 * HOUR; t += 1000) {
      for (const o of model.advance(t)) {
        // The sample was the last thing integrated, so the model's true level is the one it measured.
        expect(Math.abs((o.data.levelMm as number) - model.trueLevelMm())).toBeLessThanOrEqual(10.5);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('a rainstorm raises the level only once it starts; a clear manhole copes with 40 mm/h', () => {
    const start = jinan('2026-07-15T18:00:00');
    const model = drain('dl8-drain-m6', start);
    model.schedule({ do: 'rainstorm', durationS: 3600, intensityMmH: 40 }, start + 600_000);
    const outputs = model.advance(start + 3 * HOUR);
    const before = max(levels(inWindow(outputs, start, start + 600_000)));
    const during = max(levels(inWindow(outputs, start + 600_000, start + 4200_000)));
    const after = levels(inWindow(outputs, start + 2.5 * HOUR, start + 3 * HOUR));
    expect(before).toBeLessThan(100);
    expect(during).toBeGreaterThan(before + 300);
    expect(outputs.some((o) => o.data.overflow)).toBe(false);
    // The pipe carries it away once the rain stops.
    expect(max(after)).toBeLessThan(before + 50);
  });

  it('a 40 mm/h storm on a half-blocked manhole overflows within tens of minutes', () => {
    const start = jinan('2026-07-15T18:00:00');
    const stormAt = start + 60_000;
    const model = drain('dl8-drain-m3', start, { initialBlockage: 0.5 });
    model.schedule({ do: 'rainstorm', durationS: 3600, intensityMmH: 40 }, stormAt);
    const outputs = model.advance(start + 2 * HOUR);
    const first = outputs.find((o) => o.data.overflow === true);
    expect(first).toBeDefined();
    expect(first!.at - stormAt).toBeGreaterThan(5 * 60_000);
    expect(first!.at - stormAt).toBeLessThan(60 * 60_000);
    expect(first!.data.levelMm).toBeGreaterThanOrEqual(1600 - 10);
    // Near the overflow, the sensor samples faster.
    const i = outputs.indexOf(first!);
    expect(outputs[i + 1]!.at - first!.at).toBe(15_000);
  });

  it('a grease blockage makes the level rise over a few hours of dry weather; clearing it brings it down', () => {
    const start = jinan('2026-07-15T10:00:00');
    const clean = drain('dl8-drain-m5', start).advance(start + 6 * HOUR);
    const fouled = drain('dl8-drain-m5', start);
    fouled.schedule({ do: 'grease-blockage', ratePerHour: 0.15 }, start);
    fouled.schedule({ do: 'clear-blockage' }, start + 6 * HOUR);
    const outputs = fouled.advance(start + 7 * HOUR);
    const mean = (o: DeviceOutput[], h0: number, h1: number) => {
      const xs = levels(inWindow(o, start + h0 * HOUR, start + h1 * HOUR));
      return xs.reduce((n, x) => n + x, 0) / xs.length;
    };
    // Same seed, same restaurants: the only difference is the grease, so compare hour by hour.
    const ratio = (h0: number, h1: number) => mean(outputs, h0, h1) / mean(clean, h0, h1);
    expect(ratio(0, 0.5)).toBeLessThan(1.3);
    expect(ratio(3, 4)).toBeGreaterThan(2);
    expect(ratio(5, 6)).toBeGreaterThan(ratio(3, 4));
    expect(fouled.currentBlockage()).toBe(0);
    expect(mean(outputs, 6.75, 7)).toBeLessThan(mean(outputs, 5, 6) / 2);
  });

  it('replays exactly from a seed, whatever the tick size', () => {
    const a = drain('dl8-drain-m1', MIDNIGHT);
    const b = drain('dl8-drain-m1', MIDNIGHT);
    for (const m of [a, b]) m.schedule({ do: 'rainstorm', durationS: 1800, intensityMmH: 40 }, MIDNIGHT + 1234_567);
    const whole = a.advance(MIDNIGHT + 3 * HOUR);
    const pieces: DeviceOutput[] = [];
    for (let t = MIDNIGHT; t <= MIDNIGHT + 3 * HOUR; t += 13_000) pieces.push(...b.advance(t));
    pieces.push(...b.advance(MIDNIGHT + 3 * HOUR));
    expect(pieces).toEqual(whole);
  });
});
