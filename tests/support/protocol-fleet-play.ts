import { join } from 'node:path';
import { silentLogger } from '../../services/shared/logger.ts';
import type { DeviceOutput } from '../../simulators/models/model.ts';
import { ProtocolFleet, type ProtocolFleetOptions } from '../../simulators/protocol-fleet.ts';
import { SimulationRunner, type SimulatedAgent } from '../../simulators/runner.ts';
import { parseScenario, type ScenarioInput } from '../../simulators/scenario.ts';
import type { PipelineHarness } from './pipeline-harness.ts';
import { recordingFactory } from './recording-factory.ts';

/**
 * A protocol fleet for the harness's gateway, on its simulated clock: `speed` (simulated s
 * per wall s) paces the drivers as `npm start` does; `kinds` limits the plug-ins.
 */
export function protocolFleetFor(h: PipelineHarness, options: Pick<ProtocolFleetOptions, 'speed' | 'kinds'>): ProtocolFleet {
  return new ProtocolFleet({ brokerUrl: h.gw.url, secrets: h.gw.secrets, outboxPath: join(h.gw.dir, 'protocol-outbox.db'), clock: h.simClock, logger: silentLogger(), heartbeatIntervalMs: 0, ...options });
}

/**
 * Runs a scenario through the fleet's protocol devices in `stepMs` steps of simulated
 * time, each step read through by the drivers (every agent drained) before the next, so
 * a polled sensor misses no reading. The first steps run while the drivers are still
 * connecting: the plug-ins hold those outputs until the first read. Resolves with what
 * the models fed each device.
 */
export async function playStepByStep(h: PipelineHarness, fleet: ProtocolFleet, input: ScenarioInput, stepMs = 10_000): Promise<Map<string, DeviceOutput[]>> {
  const agents = new Map<string, SimulatedAgent>();
  const fed = new Map<string, DeviceOutput[]>();
  const runner = new SimulationRunner({ site: h.site, scenario: parseScenario(input), agentFactory: recordingFactory(fleet.factory, fed, agents), clock: h.simClock, progressIntervalMs: 0 });
  await fleet.prepare(runner.devices);
  runner.start();
  while (!runner.done) {
    runner.step(stepMs);
    await Promise.all([...agents.values()].map((a) => a.whenDrained!()));
  }
  return fed;
}
