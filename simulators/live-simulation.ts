import { fileURLToPath } from 'node:url';
import { ManualClock } from '../services/shared/clock.ts';
import type { Logger } from '../services/shared/logger.ts';
import type { SiteConfig } from '../services/site/schema.ts';
import { AgentFleet } from './agent-fleet.ts';
import { SimulationRunner } from './runner.ts';
import { loadScenarioFile } from './scenario.ts';

export const LIVE_DEMO_SCENARIO = fileURLToPath(new URL('./scenarios/live-demo.yaml', import.meta.url));

export interface LiveSimulationOptions {
  site: SiteConfig;
  brokerUrl: string;
  secrets: ReadonlyMap<string, string>;
  outboxPath: string;
  scenarioFile?: string | undefined;
  speed?: number | undefined;
  logger: Logger;
}

export interface LiveSimulation {
  readonly scenarioName: string;
  readonly speed: number;
  readonly fleet: AgentFleet;
  readonly runner: SimulationRunner;
  /** Stops the models, lets agents deliver what they hold (bounded), closes agents and outboxes. */
  close(): Promise<void>;
}

/** Every device of the site as a real edge agent, driven by a scenario, in the background. */
export async function startLiveSimulation(options: LiveSimulationOptions): Promise<LiveSimulation> {
  const file = options.scenarioFile ?? LIVE_DEMO_SCENARIO;
  const loaded = loadScenarioFile(file);
  const scenario = options.speed ? { ...loaded, speed: options.speed } : loaded;
  const clock = new ManualClock(Date.now());
  // Fifty-odd agents saying "connected" drown the start-up summary; their warnings still show.
  const agentLogger = options.logger.child({ component: 'agents' }, { level: 'warn' });
  const fleet = new AgentFleet({ brokerUrl: options.brokerUrl, secrets: options.secrets, outboxPath: options.outboxPath, clock, logger: agentLogger });
  const runner = new SimulationRunner({ site: options.site, scenario, agentFactory: fleet.factory, clock, logger: options.logger, progressIntervalMs: 30_000 });
  const finished = runner.run().then(
    (p) => {
      if (p.done) options.logger.info(p, 'scenario finished; agents stay connected');
    },
    (err: unknown) => options.logger.error({ err }, 'simulation failed'),
  );
  return {
    scenarioName: scenario.name ?? file,
    speed: scenario.speed,
    fleet,
    runner,
    close: async () => {
      runner.stop();
      await finished;
      const { drained } = await runner.close({ drainTimeoutMs: 5_000 });
      await fleet.close();
      if (!drained) options.logger.warn('some simulated messages were not delivered yet; they stay in the outboxes for the next start');
    },
  };
}
