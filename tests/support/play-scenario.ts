import type { ManualClock } from '../../services/shared/clock.ts';
import type { SiteConfig } from '../../services/site/schema.ts';
import type { AgentFleet } from '../../simulators/agent-fleet.ts';
import { SimulationRunner } from '../../simulators/runner.ts';
import type { Scenario } from '../../simulators/scenario.ts';

/**
 * Plays a scenario to its end on the fleet's agents, moving simulated time as fast as
 * the models go (`stepMs` at a time), then waits until every envelope is in the log.
 */
export async function playToEnd(o: { site: SiteConfig; scenario: Scenario; fleet: AgentFleet; clock: ManualClock; stepMs: number }): Promise<SimulationRunner> {
  const runner = new SimulationRunner({ site: o.site, scenario: o.scenario, agentFactory: o.fleet.factory, clock: o.clock, progressIntervalMs: 0 });
  runner.start();
  while (!runner.done) runner.step(o.stepMs);
  await Promise.all([...o.fleet.agents.values()].map((a) => a.whenDrained()));
  return runner;
}
