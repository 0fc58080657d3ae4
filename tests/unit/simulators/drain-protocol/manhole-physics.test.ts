import { describe, expect, it } from 'vitest';
import { Manhole } from '../../../../simulators/protocols/drain/manhole-physics.ts';

const MIN = 60_000;
const HOUR = 3600_000;
/** 03:00 in Jinan: the restaurants are shut, the dry-weather flow is a trickle. */
const NIGHT = Date.parse('2026-07-15T03:00:00+08:00');

/** Levels sampled every `stepMs` from the bucket's now until `untilMs`. */
function levels(m: Manhole, untilMs: number, stepMs = MIN): number[] {
  const out: number[] = [];
  for (let t = m.nowMs + stepMs; t <= untilMs; t += stepMs) {
    m.advanceTo(t);
    out.push(m.levelMm);
  }
  return out;
}

describe('manhole physics (stand-alone simulator water)', () => {
  it('starts where the dry-weather flow settles, and rain raises the level that drains away after', () => {
    const dry = new Manhole({ depthMm: 1500, startMs: NIGHT });
    const wet = new Manhole({ depthMm: 1500, startMs: NIGHT });
    expect(wet.levelMm).toBeCloseTo(dry.levelMm, 9);
    // At equilibrium, inflow and outflow balance.
    expect(dry.outflowLps()).toBeCloseTo(dry.dryInflowLps(NIGHT), 6);

    wet.rain(30, 1800);
    const during = levels(wet, NIGHT + 30 * MIN);
    const dryDuring = levels(dry, NIGHT + 30 * MIN);
    // Rising all through the storm, by hundreds of mm, while the dry manhole stays a puddle.
    expect(during.every((l, i) => i === 0 || l > during[i - 1]!)).toBe(true);
    expect(during.at(-1)!).toBeGreaterThan(200);
    expect(Math.max(...dryDuring)).toBeLessThan(5);

    const afterwards = levels(wet, NIGHT + 90 * MIN);
    expect(afterwards.at(-1)!).toBeLessThan(10);
    expect(wet.overflowing).toBe(false);
  });

  it('lets grease raise the dry-weather level slowly, as the outlet narrows', () => {
    const clear = new Manhole({ depthMm: 1500, startMs: NIGHT });
    const greasy = new Manhole({ depthMm: 1500, startMs: NIGHT });
    greasy.startGreaseBuildUp(0.1);

    // First hour: the pipe is only 10% narrower; the level barely moves.
    levels(clear, NIGHT + HOUR);
    levels(greasy, NIGHT + HOUR);
    expect(greasy.blockage).toBeCloseTo(0.1, 6);
    expect(greasy.levelMm - clear.levelMm).toBeLessThan(2);

    // By the lunch peak (9 h on, blockage 0.9) the same flow stands many times higher.
    const clearDay = levels(clear, NIGHT + 9 * HOUR);
    const greasyDay = levels(greasy, NIGHT + 9 * HOUR);
    expect(greasy.blockage).toBeCloseTo(0.9, 6);
    expect(greasy.levelMm).toBeGreaterThan(10 * clear.levelMm);
    expect(greasy.levelMm).toBeGreaterThan(200);
    // Never below the clear pipe's level at the same time, minute by minute.
    expect(greasyDay.every((l, i) => l >= clearDay[i]! - 1e-9)).toBe(true);

    // Build-up stops at the limit and jetting the pipe clears it.
    levels(greasy, NIGHT + 12 * HOUR);
    expect(greasy.blockage).toBeCloseTo(0.95, 6);
    greasy.clearBlockage();
    levels(greasy, NIGHT + 13 * HOUR);
    expect(greasy.blockage).toBe(0);
    expect(greasy.levelMm).toBeLessThan(clear.levelMm * 2 + 5);
  });

  it('caps the level at the depth in a storm on a blocked pipe and spills the rest', () => {
    const m = new Manhole({ depthMm: 1500, startMs: NIGHT, initialBlockage: 0.9 });
    m.rain(100, 3600);
    const during = levels(m, NIGHT + HOUR);
    expect(Math.max(...during)).toBe(1500);
    expect(m.levelMm).toBe(1500);
    expect(m.overflowing).toBe(true);
    expect(m.spilledLitres).toBeGreaterThan(1000);

    const spilled = m.spilledLitres;
    m.clearBlockage();
    levels(m, NIGHT + 2 * HOUR);
    expect(m.overflowing).toBe(false);
    expect(m.levelMm).toBeLessThan(100);
    expect(m.spilledLitres).toBe(spilled);
  });
});
