import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { OcError } from '../../../services/shared/errors.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { SimulationRunner, type SimulationProgress } from '../../../simulators/runner.ts';
import { parseScenario, type ScenarioInput } from '../../../simulators/scenario.ts';
import { FakeAgent, site, type Call } from './fixtures.ts';

const START_ISO = '2026-07-15T18:00:00+08:00';
const START = Date.parse(START_ISO);

function setup(input: ScenarioInput, agentOptions: (d: PlacedDevice) => ConstructorParameters<typeof FakeAgent>[3] = () => ({})) {
  const clock = new ManualClock(0);
  const agents = new Map<string, FakeAgent>();
  const runner = new SimulationRunner({
    site,
    scenario: parseScenario({ startAt: START_ISO, ...input }),
    clock,
    agentFactory: (d) => {
      const a = new FakeAgent(d.id, d.kind, clock, agentOptions(d));
      agents.set(d.id, a);
      return a;
    },
  });
  return { clock, agents, runner };
}

const levelsOf = (calls: Call[]) => calls.filter((c) => c.type === 'drain.level').map((c) => ({ t: c.ts - START, level: c.data.levelMm as number }));
const maxOf = (xs: number[]) => xs.reduce((m, x) => Math.max(m, x), -Infinity);

describe('simulation runner', () => {
  it('a rainstorm at m3 from t=60 s raises m3 levels only after 60 s simulated, and only at m3', () => {
    const { runner, agents, clock } = setup({ durationS: 1800, devices: ['drain'], events: [{ at: 60, do: 'rainstorm', target: 'm3', durationS: 1800, intensityMmH: 40 }] });
    expect(clock.now()).toBe(START);
    while (!runner.done) runner.step(10_000);
    expect(clock.now()).toBe(START + 1800_000);
    expect([...agents.keys()]).toHaveLength(8);

    const m3 = levelsOf(agents.get('dl8-drain-m3')!.calls);
    expect(m3.length).toBeGreaterThanOrEqual(30);
    const before = m3.filter((r) => r.t <= 60_000).map((r) => r.level);
    const after = m3.filter((r) => r.t > 60_000).map((r) => r.level);
    expect(before.length).toBeGreaterThan(0);
    expect(maxOf(before)).toBeLessThan(100);
    expect(maxOf(after)).toBeGreaterThan(maxOf(before) + 300);
    // The level climbs during the storm: late readings well above early ones.
    expect(after.at(-1)!).toBeGreaterThan(after[0]! + 200);

    const m4 = levelsOf(agents.get('dl8-drain-m4')!.calls).map((r) => r.level);
    expect(maxOf(m4)).toBeLessThan(100);
  });

  it('hands every output over with its device time, never ahead of simulated now', () => {
    const { runner, agents } = setup({ durationS: 600, events: [{ at: 10, do: 'forced-open', target: 'b1-u1' }] });
    for (let i = 0; i < 60; i++) runner.step(10_000);
    const calls = [...agents.values()].flatMap((a) => a.calls);
    expect(calls.length).toBeGreaterThan(20);
    for (const c of calls) {
      expect(c.ts).toBeGreaterThanOrEqual(START);
      expect(c.ts).toBeLessThanOrEqual(c.calledAt);
    }
    const forced = agents.get('dl8-b1-u1-door')!.calls.filter((c) => c.type === 'door.forced-open');
    expect(forced.map((c) => [c.channel, c.ts])).toEqual([['event', START + 10_000]]);
    expect(calls.filter((c) => c.type === 'door.forced-open')).toHaveLength(1);
    expect(agents.get('dl8-drain-m1')!.calls.every((c) => c.channel === 'telemetry')).toBe(true);
  });

  it('gives the same run whatever the step size', () => {
    const script = { durationS: 3600, seed: 9, events: [{ at: 100, do: 'rainstorm' as const, target: '*', durationS: 900, intensityMmH: 30 }] };
    const a = setup(script);
    const b = setup(script);
    while (!a.runner.done) a.runner.step(1_000);
    while (!b.runner.done) b.runner.step(37_000);
    const strip = (m: Map<string, FakeAgent>) => [...m.values()].map((x) => x.calls.map(({ calledAt: _calledAt, ...rest }) => rest));
    expect(strip(b.agents)).toEqual(strip(a.agents));
    expect(a.runner.counts()).toEqual(b.runner.counts());
    expect(a.runner.counts()['drain.level']).toBeGreaterThan(8 * 50);
  });

  it('a different seed gives a different run', () => {
    const a = setup({ durationS: 1800, seed: 1, devices: ['door'] });
    const b = setup({ durationS: 1800, seed: 2, devices: ['door'] });
    a.runner.step(1800_000);
    b.runner.step(1800_000);
    expect(b.runner.counts()).not.toEqual(a.runner.counts());
  });

  it('simulates only the filtered devices, and still checks scripted targets against the whole site', () => {
    const { runner, agents } = setup({ devices: ['door'], events: [{ at: 10, do: 'video-loss', target: 'dl8-cam-03', durationS: 60 }] });
    runner.step(600_000);
    expect(agents.size).toBe(34);
    expect([...agents.values()].every((a) => a.kind === 'door')).toBe(true);
    expect(() => setup({ devices: ['door'], events: [{ at: 10, do: 'video-loss', target: 'dl8-cam-99', durationS: 60 }] })).toThrow(/events\.0\.target/);
  });

  it('does not step past the end, and reports progress', () => {
    const { runner, agents } = setup({ durationS: 600, devices: ['drain'] });
    expect(runner.progress()).toMatchObject({ elapsedS: 0, percent: 0, events: 0, telemetry: 0, done: false });
    runner.step(300_000);
    expect(runner.progress()).toMatchObject({ elapsedS: 300, percent: 50, done: false });
    runner.step(10 * 3600_000);
    const p = runner.progress();
    expect(p).toMatchObject({ simTime: new Date(START + 600_000).toISOString(), elapsedS: 600, percent: 100, done: true, events: 0, errors: 0 });
    expect(p.telemetry).toBe([...agents.values()].reduce((n, a) => n + a.calls.length, 0));
    expect(runner.step(60_000)).toEqual({ events: 0, telemetry: 0 });
  });

  it('counts pending envelopes from the agents', () => {
    const { runner } = setup({ durationS: 60, devices: ['drain'] }, () => ({ pending: () => 3 }));
    runner.start();
    expect(runner.progress().pending).toBe(8 * 3);
  });

  it('run() plays a one-hour scenario fast at a high speed and reports progress lines', async () => {
    const clock = new ManualClock(0);
    const seen: SimulationProgress[] = [];
    const agents: FakeAgent[] = [];
    const runner = new SimulationRunner({
      site,
      scenario: parseScenario({ startAt: START_ISO, durationS: 3600, speed: 3600 * 200, devices: ['drain', 'camera'] }),
      clock,
      tickIntervalMs: 1,
      progressIntervalMs: 1,
      onProgress: (p) => seen.push(p),
      agentFactory: (d) => {
        const a = new FakeAgent(d.id, d.kind, clock);
        agents.push(a);
        return a;
      },
    });
    const final = await runner.run();
    expect(final).toMatchObject({ done: true, percent: 100 });
    expect(clock.now()).toBe(START + 3600_000);
    expect(seen.at(-1)).toEqual(final);
    expect(agents.every((a) => a.started === 1)).toBe(true);
    expect(final.telemetry).toBeGreaterThanOrEqual(8 * 59);
  });

  it('run() with capAtWallClock plays a past start at its speed up to the wall clock, then in real time, never ahead of it', async () => {
    const sim = new ManualClock(0);
    const wallStart = Date.parse('2026-11-26T02:00:00Z');
    let wall = wallStart;
    let maxLeadMs = -Infinity;
    // Each tick reads the wall clock once: it moves 10 s per read, and checks where simulated time stands.
    const wallClock = {
      now: () => {
        maxLeadMs = Math.max(maxLeadMs, sim.now() - wall);
        return (wall += 10_000);
      },
    };
    const agents: FakeAgent[] = [];
    const runner = new SimulationRunner({
      site,
      scenario: parseScenario({ startAt: new Date(wallStart - 3_600_000).toISOString(), durationS: 2 * 3600, speed: 600, devices: ['drain'] }),
      clock: sim,
      wallClock,
      tickIntervalMs: 1,
      progressIntervalMs: 0,
      capAtWallClock: true,
      agentFactory: (d) => {
        const a = new FakeAgent(d.id, d.kind, sim);
        agents.push(a);
        return a;
      },
    });
    const final = await runner.run();

    expect(final.done).toBe(true);
    expect(maxLeadMs).toBeLessThanOrEqual(0);
    // At 600x alone the two hours would take 12 wall seconds; the second hour waited for the wall clock.
    expect(wall - wallStart).toBeGreaterThanOrEqual(3_600_000);
    const stamps = agents.flatMap((a) => a.calls.map((c) => c.ts));
    expect(stamps.length).toBeGreaterThan(0);
    expect(Math.max(...stamps)).toBeLessThanOrEqual(wall);
  });

  it('stop() ends run() early; close() waits for drains then closes every agent', async () => {
    let release!: () => void;
    const drained = new Promise<void>((resolve) => (release = resolve));
    const { runner, agents } = setup({ durationS: 86400, speed: 1, devices: ['drain'] }, () => ({ drained }));
    const running = runner.run();
    runner.stop();
    const final = await running;
    expect(final.done).toBe(false);
    const closing = runner.close({ drainTimeoutMs: 60_000 });
    expect([...agents.values()].every((a) => a.closed === 0)).toBe(true);
    release();
    await expect(closing).resolves.toEqual({ drained: true });
    expect([...agents.values()].every((a) => a.closed === 1)).toBe(true);
    // Closing twice is harmless.
    await expect(runner.close()).resolves.toEqual({ drained: true });
    expect([...agents.values()].every((a) => a.closed === 1)).toBe(true);
  });

  it('close() gives up waiting after the drain timeout and still closes the agents', async () => {
    const never = new Promise<void>(() => {});
    const { runner, agents } = setup({ durationS: 60, devices: ['drain'] }, () => ({ drained: never }));
    runner.start();
    await expect(runner.close({ drainTimeoutMs: 20 })).resolves.toEqual({ drained: false });
    expect([...agents.values()].every((a) => a.closed === 1)).toBe(true);
  });

  it('an agent that refuses envelopes is counted as errors and does not stop the others', () => {
    const { runner, agents } = setup({ durationS: 600, devices: ['drain'] }, (d) =>
      d.id === 'dl8-drain-m1' ? { failWith: new OcError('OC_AGENT_CLOSED', d.id) } : {},
    );
    runner.step(600_000);
    const p = runner.progress();
    expect(p.errors).toBeGreaterThanOrEqual(9);
    expect(agents.get('dl8-drain-m2')!.calls.length).toBeGreaterThanOrEqual(9);
    expect(p.telemetry).toBe([...agents.values()].reduce((n, a) => n + a.calls.length, 0));
  });

  it('without startAt the run starts at the clock time it is given', () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const runner = new SimulationRunner({ site, scenario: parseScenario({ durationS: 60 }), clock, agentFactory: (d) => new FakeAgent(d.id, d.kind, clock) });
    expect(runner.startMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(runner.endMs).toBe(runner.startMs + 60_000);
  });
});
