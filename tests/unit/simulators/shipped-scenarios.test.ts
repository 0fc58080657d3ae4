/**
 * The three drain scenarios shipped in simulators/scenarios/ do what their names
 * promise when played by the runner: a dry day stays low, the rainstorm overflows
 * the half-blocked M3 only, and the grease blockage raises M5 in dry weather.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { SimulationRunner } from '../../../simulators/runner.ts';
import { loadScenarioFile } from '../../../simulators/scenario.ts';
import { FakeAgent, site, siteDevices, type Call } from './fixtures.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../../../simulators/scenarios/', import.meta.url));
const drains = siteDevices.filter((d) => d.kind === 'drain');

/** Plays a shipped scenario to its end, drain sensors only; returns each sensor's readings. */
function play(name: string): { start: number; readings: Map<string, Array<{ t: number; levelMm: number; overflow: boolean }>> } {
  const scenario = { ...loadScenarioFile(`${SCENARIO_DIR}${name}.yaml`), devices: ['drain'] };
  const clock = new ManualClock(0);
  const agents = new Map<string, FakeAgent>();
  const runner = new SimulationRunner({
    site,
    scenario,
    clock,
    progressIntervalMs: 0,
    agentFactory: (d) => {
      const agent = new FakeAgent(d.id, d.kind, clock);
      agents.set(d.id, agent);
      return agent;
    },
  });
  const start = Date.parse(scenario.startAt!);
  while (!runner.done) runner.step(60_000);
  const levels = (calls: Call[]) =>
    calls.filter((c) => c.type === 'drain.level').map((c) => ({ t: c.ts - start, levelMm: c.data.levelMm as number, overflow: c.data.overflow === true }));
  return { start, readings: new Map([...agents].map(([id, a]) => [id, levels(a.calls)])) };
}

const HOUR = 3600_000;
const max = (xs: number[]): number => xs.reduce((m, x) => Math.max(m, x), -Infinity);
const mean = (xs: number[]): number => xs.reduce((n, x) => n + x, 0) / xs.length;
const within = (rs: Array<{ t: number; levelMm: number }>, from: number, to: number): number[] => rs.filter((r) => r.t >= from && r.t < to).map((r) => r.levelMm);

describe('shipped drain scenarios', () => {
  it('dry-day: a whole day at every manhole, no overflow, every level under 30 % of depth', () => {
    const { readings } = play('dry-day');
    expect(readings.size).toBe(drains.length);
    for (const d of drains) {
      const rs = readings.get(d.id)!;
      expect(rs.length, d.id).toBeGreaterThanOrEqual(24 * 60 - 1);
      expect(rs.some((r) => r.overflow), d.id).toBe(false);
      expect(max(rs.map((r) => r.levelMm)), d.id).toBeLessThan(0.3 * d.depthMm!);
    }
  });

  it('rainstorm: every manhole rises in the rain; the half-blocked M3 overflows during it, the clear ones do not', () => {
    const { readings } = play('rainstorm');
    const rainFrom = 600_000;
    const rainTo = rainFrom + HOUR;
    for (const d of drains) {
      const rs = readings.get(d.id)!;
      expect(max(within(rs, rainFrom, rainTo)), d.id).toBeGreaterThan(max(within(rs, 0, rainFrom)) + 200);
    }
    const m3 = readings.get('dl8-drain-m3')!;
    const firstOverflow = m3.find((r) => r.overflow);
    expect(firstOverflow).toBeDefined();
    expect(firstOverflow!.t).toBeGreaterThan(rainFrom);
    expect(firstOverflow!.t).toBeLessThan(rainTo);
    for (const d of drains.filter((x) => x.id !== 'dl8-drain-m3')) expect(readings.get(d.id)!.some((r) => r.overflow), d.id).toBe(false);
  });

  it('grease-blockage: M5 climbs through a dry day until it is jetted clear; the other manholes stay low', () => {
    const { readings } = play('grease-blockage');
    const m5 = readings.get('dl8-drain-m5')!;
    const morning = mean(within(m5, 0, HOUR / 2));
    const afternoon = mean(within(m5, 5 * HOUR, 6 * HOUR));
    const beforeClearing = mean(within(m5, 9.5 * HOUR, 10.5 * HOUR));
    expect(afternoon).toBeGreaterThan(2 * morning);
    expect(beforeClearing).toBeGreaterThan(afternoon);
    // Cleared at 37 800 s (20:30): the level falls back.
    expect(mean(within(m5, 10.75 * HOUR, 11 * HOUR))).toBeLessThan(beforeClearing / 2);
    for (const d of drains.filter((x) => x.id !== 'dl8-drain-m5')) {
      expect(max(readings.get(d.id)!.map((r) => r.levelMm)), d.id).toBeLessThan(0.3 * d.depthMm!);
    }
  });
});
