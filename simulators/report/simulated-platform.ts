/**
 * The platform on a simulated clock, in one process: real edge agents for every simulated
 * device → the real gateway (MQTT on loopback) → the real SQLite event log → the alerting
 * service, all reading ONE SimulatedClock that the scenario drives. Time moves in lockstep:
 * a step of the scenario, then the driver waits (in wall time, simulated time standing
 * still) until every device's envelopes and status changes are in the log and alerting has
 * handled them all. SLA deadlines, escalations, offline grace, mass-outage windows and the
 * roster's crew on duty therefore all read the scenario's time: a scenario played as fast as
 * the machine goes gives the tickets it gives in real time, and the same ones at any hour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlerting, type Alerting } from '../../services/alerting/compose.ts';
import { toDeviceContext } from '../../services/alerting/device-context.ts';
import type { DeviceContext } from '../../services/alerting/domain/model.ts';
import { assertRuleOverrides } from '../../services/alerting/domain/rules/override-checks.ts';
import type { RuleSettingsOverrides } from '../../services/alerting/domain/rules/settings.ts';
import { loadRuleOverrides } from '../../services/alerting/rule-overrides-file.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { generateSecret, hashSecret, MemoryCredentialStore } from '../../services/gateway/credentials.ts';
import { DeviceRegistry } from '../../services/gateway/device-registry.ts';
import { startGateway, type Gateway } from '../../services/gateway/gateway.ts';
import { SimulatedClock, systemClock } from '../../services/shared/clock.ts';
import { OcError } from '../../services/shared/errors.ts';
import { silentLogger, type Logger } from '../../services/shared/logger.ts';
import { listDevices, type PlacedDevice } from '../../services/site/devices.ts';
import type { SiteConfig } from '../../services/site/schema.ts';
import { AgentFleet } from '../agent-fleet.ts';
import { SimulationRunner } from '../runner.ts';
import { selectDevices, type Scenario } from '../scenario.ts';
import { CountingLog } from './counting-log.ts';

export interface SimulatedPlatformOptions {
  site: SiteConfig;
  scenario: Scenario;
  /**
   * Simulated ms per lockstep (default 10 000: two alerting ticks). What the devices send
   * within a step reaches the log stamped with the step's end, so service times are this fine.
   */
  stepMs?: number;
  /** Rule overrides (OC_RULES_FILE); default the reference site's. */
  rulesFile?: string | undefined;
  rosterFile?: string | undefined;
  ticketPolicyFile?: string | undefined;
  logger?: Logger;
  /** Wall ms one lockstep may wait for the devices and alerting before the run fails. */
  settleTimeoutMs?: number;
  /** Where the log, the alerting store and the outboxes go; default a temporary directory, removed on close. */
  dir?: string;
}

const HEARTBEAT_MS = 60_000;
export const DEFAULT_STEP_MS = 10_000;

/**
 * The overrides, checked against the whole site, narrowed to the simulated devices: a
 * scenario of the doors alone must not be refused for naming a manhole.
 */
function overridesFor(overrides: RuleSettingsOverrides, site: readonly DeviceContext[], simulated: readonly string[]): RuleSettingsOverrides {
  assertRuleOverrides(overrides, site);
  const kept = site.filter((d) => simulated.includes(d.deviceId));
  const only = (layer: Record<string, unknown> | undefined, has: (id: string) => boolean) => (layer ? Object.fromEntries(Object.entries(layer).filter(([id]) => has(id))) : undefined);
  return {
    ...(overrides.site ? { site: overrides.site } : {}),
    ...(overrides.compounds ? { compounds: only(overrides.compounds, (id) => kept.some((d) => d.compoundId === id)) as RuleSettingsOverrides['compounds'] } : {}),
    ...(overrides.places ? { places: only(overrides.places, (id) => kept.some((d) => d.placeId === id || d.buildingId === id)) as RuleSettingsOverrides['places'] } : {}),
    ...(overrides.devices ? { devices: only(overrides.devices, (id) => simulated.includes(id)) as RuleSettingsOverrides['devices'] } : {}),
  };
}

export class SimulatedPlatform {
  readonly clock: SimulatedClock;
  readonly devices: readonly PlacedDevice[];
  readonly runner: SimulationRunner;
  private stepsPlayed = 0;

  private constructor(
    private readonly o: SimulatedPlatformOptions,
    clock: SimulatedClock,
    private readonly dir: string,
    private readonly ownsDir: boolean,
    private readonly log: CountingLog,
    private readonly gateway: Gateway,
    readonly alerting: Alerting,
    private readonly fleet: AgentFleet,
    private handled: { count: number },
  ) {
    this.clock = clock;
    this.devices = selectDevices(listDevices(o.site), o.scenario.devices);
    this.runner = new SimulationRunner({ site: o.site, scenario: o.scenario, agentFactory: fleet.factory, clock, logger: o.logger ?? silentLogger(), progressIntervalMs: 0 });
  }

  /** Starts log, gateway, alerting and the agents at the scenario's start; nothing has played yet. */
  static async start(o: SimulatedPlatformOptions): Promise<SimulatedPlatform> {
    const logger = o.logger ?? silentLogger();
    const startMs = o.scenario.startAt !== undefined ? Date.parse(o.scenario.startAt) : systemClock.now();
    const clock = new SimulatedClock(startMs);
    const ownsDir = o.dir === undefined;
    const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'oc-sim-platform-'));
    // Only the devices the scenario simulates: a site device nobody plays would look dead to alerting.
    const devices = selectDevices(listDevices(o.site), o.scenario.devices);
    const raw = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', clock, logger });
    const log = new CountingLog(raw);
    await log.ensureTopics(PLATFORM_TOPICS);
    const credentials = new MemoryCredentialStore();
    const secrets = new Map<string, string>();
    for (const d of devices) {
      const secret = generateSecret();
      secrets.set(d.id, secret);
      credentials.set(d.id, hashSecret(secret));
    }
    const gateway = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices(devices.map((d) => ({ id: d.id, kind: d.kind }))), credentials, clock, logger });
    const alerting = await createAlerting({
      log,
      devices,
      storePath: join(dir, 'alerting.db'),
      rosterFile: o.rosterFile,
      ruleOverrides: overridesFor(loadRuleOverrides(o.rulesFile), listDevices(o.site).map(toDeviceContext), devices.map((d) => d.id)),
      ticketPolicyFile: o.ticketPolicyFile,
      clock,
      logger,
      tickIntervalMs: 5_000,
      synchronous: 'NORMAL',
      // A stuck consumer is about the machine, not the scenario: measured in wall time.
      watchClock: systemClock,
    });
    const handled = { count: 0 };
    alerting.runtime.service.changes.on('handled', (n) => (handled.count += n));
    const fleet = new AgentFleet({ brokerUrl: `mqtt://127.0.0.1:${gateway.port}`, secrets, outboxPath: join(dir, 'outbox.db'), clock, logger, heartbeatIntervalMs: HEARTBEAT_MS, reconnectPeriodMs: 20 });
    const platform = new SimulatedPlatform(o, clock, dir, ownsDir, log, gateway, alerting, fleet, handled);
    platform.runner.start();
    await platform.settle();
    return platform;
  }

  /** Plays the scenario to `untilS` simulated seconds after its start (default: its end). */
  async playUntil(untilS = Infinity): Promise<void> {
    const stepMs = this.o.stepMs ?? DEFAULT_STEP_MS;
    const until = Math.min(this.runner.endMs, this.runner.startMs + untilS * 1000);
    while (this.runner.now() < until) {
      this.runner.step(Math.min(stepMs, until - this.runner.now()));
      this.stepsPlayed += 1;
      await this.settle();
    }
  }

  get steps(): number {
    return this.stepsPlayed;
  }

  /**
   * Waits until the world the step left is the platform's: every powered device connected
   * and `online` in the log, every unpowered one `offline` (its will), every outbox of a
   * powered device empty, and every device record handled by alerting.
   */
  private async settle(): Promise<void> {
    const deadline = systemClock.now() + (this.o.settleTimeoutMs ?? 30_000);
    const agents = [...this.fleet.agents.values()];
    for (;;) {
      const waiting = agents.filter((a) => {
        const powered = this.runner.isPowered(a.deviceId);
        const status = this.log.statusOf(a.deviceId);
        if (!powered) return status !== 'offline';
        const stats = a.stats();
        return !stats.connected || status !== 'online' || stats.pending > 0;
      });
      if (waiting.length === 0 && this.handled.count >= this.log.deviceRecords) return;
      if (systemClock.now() > deadline) {
        throw new OcError(
          'OC_SIMULATION_STALLED',
          `simulated ${new Date(this.clock.now()).toISOString()}: still waiting for ${waiting.length} device(s) (${waiting.slice(0, 5).map((a) => a.deviceId).join(', ')}) and ${this.log.deviceRecords - this.handled.count} record(s) for alerting`,
        );
      }
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
  }

  async close(): Promise<void> {
    await this.runner.close({ drainTimeoutMs: 5_000 });
    await this.fleet.close();
    await this.gateway.close();
    await this.alerting.runtime.close();
    await this.log.close();
    if (this.ownsDir) rmSync(this.dir, { recursive: true, force: true });
  }
}
