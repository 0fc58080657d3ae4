/**
 * The `power-cut` scenario verb: its schema, its targets (device, place, building,
 * compound), the CLI flag, the shipped scenario, and the runner cutting and restoring
 * power at the right simulated times with the device's model silent in between.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { parseEventFlag } from '../../../simulators/cli-args.ts';
import { PowerSchedule } from '../../../simulators/power-schedule.ts';
import { SimulationRunner } from '../../../simulators/runner.ts';
import { loadScenarioFile, parseScenario, resolveScenarioEvents, type ScenarioInput } from '../../../simulators/scenario.ts';
import { configError, FakeAgent, site, siteDevices } from './fixtures.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../../../simulators/scenarios/', import.meta.url));
const START_ISO = '2026-07-15T18:00:00+08:00';
const START = Date.parse(START_ISO);


const cutOf = (target: string, extra: Record<string, unknown> = {}) => ({ events: [{ at: 60, do: 'power-cut', target, durationS: 600, ...extra }] });
const boundIds = (target: string) => resolveScenarioEvents(parseScenario(cutOf(target)), siteDevices).map((a) => a.deviceId).sort();

describe('power-cut in a scenario', () => {
  it.each([
    [{ events: [{ at: 60, do: 'power-cut', target: 'dl8' }] }, 'events.0.durationS'],
    [{ events: [{ at: 60, do: 'power-cut', target: 'dl8', durationS: 0 }] }, 'events.0.durationS'],
    [cutOf('dl8', { intensityMmH: 3 }), 'events.0'],
    [{ durationS: 30, ...cutOf('dl8') }, 'events.0.at'],
  ])('names the bad key: %j -> %s', (raw, key) => {
    const err = configError(() => parseScenario(raw, 'cut.yaml'));
    expect(err.message).toContain(`${key}`);
    expect(err.message).toContain('cut.yaml');
  });

  it('a compound id binds every device of the compound, of every kind', () => {
    const ids = boundIds('dl8');
    expect(ids).toEqual(siteDevices.filter((d) => d.compoundId === 'dl8').map((d) => d.id).sort());
    expect(new Set(siteDevices.filter((d) => ids.includes(d.id)).map((d) => d.kind))).toEqual(new Set(['door', 'camera', 'drain']));
  });

  it('a building id binds the devices of its entrances only; a place, a device id and * work as for other verbs', () => {
    const b2 = siteDevices.filter((d) => d.buildingId === 'b2').map((d) => d.id).sort();
    expect(b2.length).toBeGreaterThan(0);
    expect(boundIds('b2')).toEqual(b2);
    expect(boundIds('m3')).toEqual(['dl8-drain-m3']);
    expect(boundIds('dl8-cam-03')).toEqual(['dl8-cam-03']);
    expect(boundIds('*')).toHaveLength(siteDevices.length);
    const [bound] = resolveScenarioEvents(parseScenario(cutOf('m3')), siteDevices);
    expect(bound).toMatchObject({ atMs: 60_000, action: { do: 'power-cut', durationS: 600 } });
  });

  it('an unknown target names the key', () => {
    const err = configError(() => resolveScenarioEvents(parseScenario(cutOf('dl9')), siteDevices));
    expect(err.message).toMatch(/events\.0\.target: unknown device, place, building or compound 'dl9'/);
    expect(err.details?.keys).toEqual(['events.0.target']);
  });

  it('--power-cut dl8@60+600 is the same event; without a duration it is refused naming the flag', () => {
    expect(parseEventFlag('power-cut', 'dl8@60+600')).toEqual({ do: 'power-cut', target: 'dl8', at: 60, durationS: 600 });
    expect(() => parseEventFlag('power-cut', 'dl8@60')).toThrow(/--power-cut "dl8@60": expected TARGET@AT\+DURATION/);
    expect(() => parseEventFlag('power-cut', 'dl8@60+600:x')).toThrow(/--power-cut/);
  });

  it('the shipped power-cut scenario cuts the whole compound dl8 at 60 s for 600 s', () => {
    const scenario = loadScenarioFile(`${SCENARIO_DIR}power-cut.yaml`);
    const bound = resolveScenarioEvents(scenario, siteDevices);
    expect(bound).toHaveLength(siteDevices.filter((d) => d.compoundId === 'dl8').length);
    expect(bound.every((a) => a.atMs === 60_000 && a.action.do === 'power-cut' && a.action.durationS === 600)).toBe(true);
    expect(scenario.durationS).toBeGreaterThan(660);
  });
});

describe('power schedule', () => {
  it('orders changes in time and merges overlapping or touching cuts of one device', () => {
    const s = new PowerSchedule([
      { deviceId: 'a', offAt: 100, onAt: 200 },
      { deviceId: 'a', offAt: 150, onAt: 300 },
      { deviceId: 'a', offAt: 300, onAt: 400 },
      { deviceId: 'b', offAt: 100, onAt: 120 },
      { deviceId: 'a', offAt: 500, onAt: 600 },
    ]);
    expect(s.next(99)).toBeUndefined();
    expect(s.next(1000)).toEqual({ at: 100, off: ['a', 'b'], on: [] });
    expect(s.next(1000)).toEqual({ at: 120, off: [], on: ['b'] });
    expect(s.next(1000)).toEqual({ at: 400, off: [], on: ['a'] });
    expect(s.next(499)).toBeUndefined();
    expect(s.next(1000)).toEqual({ at: 500, off: ['a'], on: [] });
    expect(s.next(1000)).toEqual({ at: 600, off: [], on: ['a'] });
    expect(s.next(Infinity)).toBeUndefined();
  });
});

describe('runner: power cut', () => {
  function setup(input: ScenarioInput, drained?: (id: string) => Promise<void> | undefined) {
    const clock = new ManualClock(0);
    const agents = new Map<string, FakeAgent>();
    const runner = new SimulationRunner({
      site,
      scenario: parseScenario({ startAt: START_ISO, seed: 4, ...input }),
      clock,
      agentFactory: (d) => {
        const drainedPromise = drained?.(d.id);
        const a = new FakeAgent(d.id, d.kind, clock, drainedPromise ? { drained: drainedPromise } : {});
        agents.set(d.id, a);
        return a;
      },
    });
    return { agents, runner };
  }

  const OFF = START + 60_000;
  const ON = START + 660_000;

  it.each([1_000, 7_000, 3_600_000])('powers off at 60 s and back on at 660 s, with the model silent in between (steps of %i ms)', (stepMs) => {
    const { agents, runner } = setup({ durationS: 1200, devices: ['drain', 'b1'], events: [{ at: 60, do: 'power-cut', target: 'b1', durationS: 600 }] });
    while (!runner.done) runner.step(stepMs);
    const b1 = [...agents.values()].filter((a) => siteDevices.find((d) => d.id === a.deviceId)!.buildingId === 'b1');
    expect(b1.length).toBeGreaterThan(0);
    for (const a of b1) {
      expect(a.lifecycle, a.deviceId).toEqual([
        { call: 'start', at: START },
        { call: 'powerOff', at: OFF },
        { call: 'start', at: ON },
      ]);
      // Nothing reported in the dark: no device time in [OFF, ON), and nothing handed over then either.
      expect(a.calls.filter((c) => c.ts >= OFF && c.ts < ON), a.deviceId).toEqual([]);
      expect(a.calls.filter((c) => c.calledAt > OFF && c.calledAt < ON), a.deviceId).toEqual([]);
    }
    // Without the cut, the same seed has b1's doors report in that window: the silence is the cut's doing.
    const uncut = setup({ durationS: 1200, devices: ['drain', 'b1'] });
    while (!uncut.runner.done) uncut.runner.step(stepMs);
    const uncutB1 = [...uncut.agents.values()].filter((a) => b1.some((x) => x.deviceId === a.deviceId));
    expect(uncutB1.flatMap((a) => a.calls).filter((c) => c.ts >= OFF && c.ts < ON).length).toBeGreaterThan(0);
    // No drain is in b1: they kept their power and reported all through the cut.
    for (const a of [...agents.values()].filter((x) => x.kind === 'drain')) {
      expect(a.lifecycle.map((l) => l.call)).toEqual(['start']);
      expect(a.calls.filter((c) => c.ts >= OFF && c.ts < ON).length, a.deviceId).toBeGreaterThan(5);
    }
  });

  it('a cut drain reports before the cut and again after power returns, but not in between', () => {
    const { agents, runner } = setup({ durationS: 1200, devices: ['m3', 'm4'], events: [{ at: 60, do: 'power-cut', target: 'm3', durationS: 600 }] });
    while (!runner.done) runner.step(30_000);
    const m3 = agents.get('dl8-drain-m3')!.calls.map((c) => c.ts);
    expect(m3.some((t) => t < OFF)).toBe(true);
    expect(m3.some((t) => t >= ON)).toBe(true);
    expect(m3.filter((t) => t >= OFF && t < ON)).toEqual([]);
    expect(runner.isPowered('dl8-drain-m3')).toBe(true);
    // Its neighbour reported all along.
    expect(agents.get('dl8-drain-m4')!.calls.filter((c) => c.ts >= OFF && c.ts < ON).length).toBeGreaterThan(5);
  });

  it('a run ending in the dark closes without waiting for the dark devices to drain', async () => {
    const never = new Promise<void>(() => {});
    const { agents, runner } = setup({ durationS: 300, devices: ['m3', 'm4'], events: [{ at: 60, do: 'power-cut', target: 'm3', durationS: 3600 }] }, (id) =>
      id === 'dl8-drain-m3' ? never : undefined,
    );
    while (!runner.done) runner.step(60_000);
    expect(runner.isPowered('dl8-drain-m3')).toBe(false);
    expect(agents.get('dl8-drain-m3')!.lifecycle.map((l) => l.call)).toEqual(['start', 'powerOff']);
    await expect(runner.close({ drainTimeoutMs: 60_000 })).resolves.toEqual({ drained: true });
    expect(agents.get('dl8-drain-m3')!.closed).toBe(1);
  });
});
