/**
 * `npm run simulate -- [flags]`: the reference site (or --site) played by one real
 * EdgeAgent per device against an MQTT broker, outboxes on disk in --data-dir.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readSecretsFile } from '../services/gateway/provision.ts';
import { ManualClock, systemClock } from '../services/shared/clock.ts';
import { isOcError, OcError } from '../services/shared/errors.ts';
import { createLogger } from '../services/shared/logger.ts';
import { listDevices } from '../services/site/devices.ts';
import { loadSite } from '../services/site/load.ts';
import { AgentFleet } from './agent-fleet.ts';
import { buildScenario, inFlagTerms, parseSimulatorArgs, USAGE } from './cli-args.ts';
import { printNoiseReport } from './report/print-report.ts';
import { DEFAULT_SIM_SITE_KEY, SimulationRunner } from './runner.ts';
import { resolveScenarioEvents, selectDevices } from './scenario.ts';

async function main(argv: readonly string[]): Promise<number> {
  const options = parseSimulatorArgs(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.report) {
    // No broker, no secrets: the platform runs in this process on the scenario's own clock.
    await printNoiseReport({ scenario: buildScenario(options), sitePath: options.sitePath, json: options.json, brief: options.brief });
    return 0;
  }
  const log = createLogger('simulator');
  // 54 agents each saying "starting" drowns the progress lines; OC_LOG_LEVEL still wins.
  const agentLog = createLogger('edge-agent', process.env.OC_LOG_LEVEL ? {} : { level: 'warn' });
  const site = options.sitePath ? loadSite(resolve(options.sitePath)) : loadSite();
  const scenario = buildScenario(options);
  const brokerUrl = scenario.broker ?? options.defaultBrokerUrl;
  const secretsPath = resolve(options.secretsPath);
  const secrets = readSecretsFile(secretsPath);

  // Script mistakes first: they are the likelier ones, and need no secrets to find.
  try {
    resolveScenarioEvents(scenario, listDevices(site));
  } catch (err) {
    throw inFlagTerms(err, options.eventFlags, scenario.events.length);
  }
  const devices = selectDevices(listDevices(site), scenario.devices);
  const missing = devices.filter((d) => !secrets.has(d.id)).map((d) => d.id);
  if (missing.length > 0) {
    throw new OcError(
      'OC_CONFIG_INVALID',
      `no secret for ${missing.length} device(s) in ${secretsPath} (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', ...' : ''}); ` +
        'run `npm run provision -- --all --simulator` with the same OC_DATA_DIR, or pass --secrets',
    );
  }

  // Simulated time, shared with the agents so heartbeats carry it as well.
  const clock = new ManualClock(systemClock.now());
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  // One outbox file for every simulated device, NORMAL sync: a simulator may lose its last
  // few envelopes on power loss, and runs much faster.
  const fleet = new AgentFleet({ brokerUrl, secrets, outboxPath: join(dataDir, 'outbox.db'), clock, logger: agentLog, outboxSync: 'NORMAL' });
  let runner: SimulationRunner;
  try {
    runner = new SimulationRunner({
      site,
      scenario,
      clock,
      logger: log,
      siteKey: process.env.OC_SIM_SITE_KEY ?? DEFAULT_SIM_SITE_KEY,
      progressIntervalMs: options.progressEveryS * 1000,
      agentFactory: fleet.factory,
    });
  } catch (err) {
    await fleet.close();
    throw err;
  }

  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    // One Ctrl-C reaches us twice within milliseconds (from the terminal, and relayed by npm/tsx):
    // that is not the impatient second press that skips the drain.
    if (stoppingSince !== undefined && systemClock.now() - stoppingSince < 1000) return;
    if (stoppingSince !== undefined) {
      log.warn({ signal }, 'second signal: exiting without waiting; undelivered envelopes stay in the outbox');
      process.exit(130);
    }
    stoppingSince = systemClock.now();
    log.info({ signal }, 'stopping: closing agents after they drain (press Ctrl-C again to quit at once)');
    runner.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let drained: boolean;
  log.info({ brokerUrl, devices: runner.devices.length, speed: scenario.speed, durationS: scenario.durationS, seed: scenario.seed }, 'simulator starting');
  try {
    await runner.run();
  } finally {
    ({ drained } = await runner.close({ drainTimeoutMs: options.drainTimeoutS * 1000 }));
    const pending = runner.progress().pending;
    await fleet.close();
    log.info({ drained, pending, counts: runner.counts() }, drained ? 'simulator done; every envelope delivered' : 'simulator done; undelivered envelopes stay in the outbox for the next run');
  }
  // A script or test that asks "did everything arrive?" reads the exit code.
  return drained ? 0 : UNDELIVERED_EXIT_CODE;
}

/** What was not delivered stays in the outbox for the next run; the exit code says so. */
const UNDELIVERED_EXIT_CODE = 3;

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (isOcError(err, 'OC_CONFIG_INVALID')) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
