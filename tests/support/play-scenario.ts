import type { ManualClock } from '../../services/shared/clock.ts';
import type { SiteConfig } from '../../services/site/schema.ts';
import type { AgentFleet } from '../../simulators/agent-fleet.ts';
import { SimulationRunner } from '../../simulators/runner.ts';
import type { Scenario } from '../../simulators/scenario.ts';

interface PlayOptions {
  site: SiteConfig;
  scenario: Scenario;
  fleet: AgentFleet;
  clock: ManualClock;
}

/** A runner on the fleet's agents, started (agents connecting) but not yet stepped. */
export function startScenario(o: PlayOptions): SimulationRunner {
  const runner = new SimulationRunner({ site: o.site, scenario: o.scenario, agentFactory: o.fleet.factory, clock: o.clock, progressIntervalMs: 0 });
  runner.start();
  return runner;
}

/**
 * Moves simulated time to `untilS` seconds after the start (or the end), `stepMs` at a
 * time as fast as the models go, then waits until every envelope of the devices that
 * have power is in the log. A device in a power cut cannot deliver; it is not waited for.
 */
export async function playUntil(runner: SimulationRunner, fleet: AgentFleet, untilS: number, stepMs: number): Promise<void> {
  const until = Math.min(runner.endMs, runner.startMs + untilS * 1000);
  while (runner.now() < until) runner.step(Math.min(stepMs, until - runner.now()));
  await Promise.all([...fleet.agents.values()].filter((a) => runner.isPowered(a.deviceId)).map((a) => a.whenDrained()));
}

/** Plays a scenario to its end, then waits until every envelope is in the log. */
export async function playToEnd(o: PlayOptions & { stepMs: number }): Promise<SimulationRunner> {
  const runner = startScenario(o);
  await playUntil(runner, o.fleet, Infinity, o.stepMs);
  return runner;
}
