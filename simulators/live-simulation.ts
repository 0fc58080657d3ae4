import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManualClock, systemClock, type Clock } from '../services/shared/clock.ts';
import type { Logger } from '../services/shared/logger.ts';
import { listDevices } from '../services/site/devices.ts';
import type { SiteConfig } from '../services/site/schema.ts';
import { AgentFleet } from './agent-fleet.ts';
import { incidentLabel, liveStartAfter, resumeScript } from './live-start.ts';
import { ProtocolFleet, protocolCoverage } from './protocol-fleet.ts';
import { SimulationRunner } from './runner.ts';
import { loadScenarioFile, selectDevices } from './scenario.ts';
import { SimTimeRecord } from './sim-time-record.ts';

export const LIVE_DEMO_SCENARIO = fileURLToPath(new URL('./scenarios/live-demo.yaml', import.meta.url));

/**
 * `agents`: behaviour models hand their outputs straight to the edge agents.
 * `protocols`: models drive protocol simulators, real drivers read them over sockets.
 * `auto`: protocols once every simulated kind has a protocol plug-in, agents until then.
 */
/** Wall ms between saves of how far simulated time got: at most this much is replayed after a hard kill. */
const SIM_TIME_SAVE_INTERVAL_MS = 1_000;

export type SimulationMode = 'agents' | 'protocols' | 'auto';

export interface LiveSimulationOptions {
  site: SiteConfig;
  brokerUrl: string;
  secrets: ReadonlyMap<string, string>;
  outboxPath: string;
  /** Where how far simulated time got is kept between runs. Default: sim-time.json beside the outbox. */
  simTimeFile?: string | undefined;
  scenarioFile?: string | undefined;
  speed?: number | undefined;
  mode?: SimulationMode;
  logger: Logger;
  /**
   * Wall time: where the live run starts and what it catches up with. Default: the system
   * clock; tests pin it to an hour of their choosing (clock.ts `clockStartingAt`).
   */
  clock?: Clock;
}

export interface LiveSimulation {
  readonly scenarioName: string;
  readonly speed: number;
  /** How far before the wall clock the simulated clock started; it then plays up to now and follows it. */
  readonly historyMs: number;
  readonly mode: 'agents' | 'protocols';
  /** For the start-up summary: how the simulated devices reach their agents. */
  readonly modeDescription: string;
  readonly fleet: AgentFleet | ProtocolFleet;
  readonly runner: SimulationRunner;
  /** Stops the models, lets agents deliver what they hold (bounded), closes agents and outboxes. */
  close(): Promise<void>;
}

/**
 * Every device of the site as a real edge agent, driven by a scenario, in the background.
 * Device time is real time: the scenario's own start date is replaced by one in the recent
 * past, played at the scenario's speed up to now and then in real time (live-start.ts).
 */
export async function startLiveSimulation(options: LiveSimulationOptions): Promise<LiveSimulation> {
  const file = options.scenarioFile ?? LIVE_DEMO_SCENARIO;
  const loaded = loadScenarioFile(file);
  const paced = options.speed ? { ...loaded, speed: options.speed } : loaded;
  const record = new SimTimeRecord(options.simTimeFile ?? join(dirname(options.outboxPath), 'sim-time.json'), options.logger);
  const wallClock = options.clock ?? systemClock;
  const previous = record.load();
  const start = liveStartAfter(paced, wallClock.now(), previous?.reachedMs);
  const startMs = Date.parse(start.startAt);
  // The script keeps the start of the first run of this scenario on this data dir, so a restart plays on, not again.
  const scenarioKey = paced.name ?? file;
  const continued = previous !== undefined && previous.scenario === scenarioKey && previous.scriptStartMs !== undefined ? previous : undefined;
  const scriptStartMs = continued?.scriptStartMs ?? startMs;
  const script = resumeScript(paced, scriptStartMs, startMs, continued?.reachedMs);
  if (continued) {
    options.logger.info(
      { played: script.played.map(incidentLabel), missed: script.missed.map(incidentLabel), ahead: script.events.length },
      'continuing the scenario of the last run: incidents it played are not fired again',
    );
  }
  const scenario = { ...paced, startAt: start.startAt, events: script.events, durationS: script.durationS };
  const clock = new ManualClock(wallClock.now());
  // Fifty-odd agents saying "connected" drown the start-up summary; their warnings still show.
  const agentLogger = options.logger.child({ component: 'agents' }, { level: 'warn' });
  const coverage = protocolCoverage(selectDevices(listDevices(options.site), scenario.devices));
  const requested = options.mode ?? 'auto';
  const mode = requested === 'auto' ? (coverage.direct.length === 0 ? 'protocols' : 'agents') : requested;
  const fleetOptions = { brokerUrl: options.brokerUrl, secrets: options.secrets, outboxPath: options.outboxPath, clock, logger: agentLogger };
  const fleet = mode === 'protocols' ? new ProtocolFleet({ ...fleetOptions, speed: scenario.speed }) : new AgentFleet(fleetOptions);
  let runner: SimulationRunner;
  try {
    runner = new SimulationRunner({ site: options.site, scenario, agentFactory: fleet.factory, clock, wallClock, logger: options.logger, progressIntervalMs: 30_000, capAtWallClock: true });
    if (fleet instanceof ProtocolFleet) await fleet.prepare(runner.devices);
  } catch (err) {
    await fleet.close();
    throw err;
  }
  let saveFailed = false;
  const saveReached = (): void => {
    try {
      const reachedMs = runner.now();
      const played = paced.events.filter((e) => scriptStartMs + e.at * 1000 <= reachedMs).map(incidentLabel);
      record.save({ reachedMs, scenario: scenarioKey, scriptStartMs, played });
    } catch (err) {
      // Once: the simulation goes on; only the next start may overlap this run's device times.
      if (!saveFailed) options.logger.warn({ file: record.path, err: (err as Error).message }, 'cannot record how far the simulation got');
      saveFailed = true;
    }
  };
  const saveTimer = setInterval(saveReached, SIM_TIME_SAVE_INTERVAL_MS);
  saveTimer.unref();
  const finished = runner.run().then(
    (p) => {
      if (p.done) options.logger.info(p, 'scenario finished; agents stay connected');
    },
    (err: unknown) => options.logger.error({ err }, 'simulation failed'),
  );
  const modeDescription =
    fleet instanceof ProtocolFleet
      ? `protocols: model → device simulator → real driver → agent (${fleet.describe()}${coverage.direct.length > 0 ? `; ${coverage.direct.join(', ')} fed to the agent directly, no protocol plug-in yet` : ''})`
      : `agents: models feed the edge agents directly${requested === 'auto' && coverage.protocol.length > 0 ? ` (OC_SIMULATE=protocols runs ${coverage.protocol.join(', ')} over their own protocol)` : ''}`;
  return {
    scenarioName: scenario.name ?? file,
    speed: scenario.speed,
    historyMs: start.historyMs,
    mode,
    modeDescription,
    fleet,
    runner,
    close: async () => {
      runner.stop();
      await finished;
      clearInterval(saveTimer);
      saveReached();
      const { drained } = await runner.close({ drainTimeoutMs: 5_000 });
      await fleet.close();
      if (!drained) options.logger.warn('some simulated messages were not delivered yet; they stay in the outboxes for the next start');
    },
  };
}
