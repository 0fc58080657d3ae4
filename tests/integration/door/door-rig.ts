import { join } from 'node:path';
import { conditionText } from '../../support/poll-until.ts';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import type { DoorDriverConfigInput } from '../../../edge-agent/drivers/door/config.ts';
import { CursorDatabase } from '../../../edge-agent/drivers/door/cursor-store.ts';
import { DoorDriver } from '../../../edge-agent/drivers/door/door-driver.ts';
import type { DeviceAgent } from '../../../edge-agent/agent-api.ts';
import type { Outbox } from '../../../edge-agent/outbox/outbox.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import type { Clock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { silentLogger, type Logger } from '../../../services/shared/logger.ts';
import { DoorControllerSimulator, type DoorControllerSimulatorOptions } from '../../../simulators/protocols/door/door-controller-simulator.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { PowerCutOutbox } from './power-cut-outbox.ts';

export const DOOR_ID = 'dl8-b1-u1-door';
export const SITE_KEY = 'rig-site-key-0123456789';
export const CONTROLLER_PASSWORD = 'controller-pw-7f3a';

export interface AgentStartOptions {
  /** Power off right after the agent's n-th outbox append commits; `powerCut` resolves then. */
  powerCutAfterAppends?: number;
  /** What the driver sees of the agent; default the EdgeAgent itself. */
  driverSees?: (agent: DeviceAgent) => DeviceAgent;
}

export interface DoorRigOptions {
  driver?: Partial<DoorDriverConfigInput>;
  sim?: Partial<DoorControllerSimulatorOptions>;
  /** Device time for the agent, the driver and the controller; default the system clock. */
  clock?: Clock;
  /** The driver's logger, for tests that check what it warns about; default silent. */
  driverLogger?: Logger;
}

/**
 * One door controller end to end on loopback: the simulated controller (node:http),
 * the real DoorDriver and EdgeAgent, the real gateway and SQLite event log. The
 * agent's outbox and the driver's cursor share one SQLite file, as in the fleet.
 */
export class DoorRig {
  h!: GatewayHarness;
  sim!: DoorControllerSimulator;
  agent!: EdgeAgent;
  driver!: DoorDriver;
  /** Resolves when the running agent's power went off (with `powerCutAfterAppends`). */
  powerCut: Promise<void> | undefined;
  private outbox: SqliteOutbox | undefined;
  private cursors: CursorDatabase | undefined;

  private constructor(private readonly options: DoorRigOptions) {}

  static async start(options: DoorRigOptions = {}): Promise<DoorRig> {
    const rig = new DoorRig(options);
    rig.h = await GatewayHarness.start({ devices: [{ id: DOOR_ID, kind: 'door' }] });
    rig.sim = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, keepaliveMs: 100, clock: options.clock, ...options.sim });
    await rig.sim.start();
    rig.startAgent();
    return rig;
  }

  get stateFile(): string {
    return join(this.h.dir, 'agent.db');
  }

  /** A fresh agent process: outbox and cursor reopened from the state file. */
  startAgent(start: AgentStartOptions = {}): void {
    const outbox = SqliteOutbox.open({ path: this.stateFile, deviceId: DOOR_ID, synchronous: 'NORMAL' });
    const cursors = CursorDatabase.open({ path: this.stateFile, synchronous: 'NORMAL' });
    this.outbox = outbox;
    this.cursors = cursors;
    let agentOutbox: Outbox = outbox;
    this.powerCut = undefined;
    if (start.powerCutAfterAppends !== undefined) {
      // Both let go of the file: its one connection closes, as when the process dies.
      const cutting = new PowerCutOutbox(outbox, start.powerCutAfterAppends, () => {
        cursors.close();
        outbox.close();
      });
      this.powerCut = cutting.cutHappened;
      agentOutbox = cutting;
    }
    this.agent = new EdgeAgent({
      deviceId: DOOR_ID,
      kind: 'door',
      brokerUrl: this.h.url,
      password: this.h.secrets.get(DOOR_ID)!,
      outbox: agentOutbox,
      heartbeatIntervalMs: 0,
      reconnectPeriodMs: 20,
      maxReconnectPeriodMs: 200,
      clock: this.options.clock,
      logger: silentLogger(),
    });
    this.driver = new DoorDriver(
      {
        config: {
          baseUrl: this.sim.url,
          username: 'admin',
          password: CONTROLLER_PASSWORD,
          siteKey: SITE_KEY,
          idleTimeoutMs: 3_000,
          reconnectInitialMs: 20,
          reconnectMaxMs: 300,
          ...this.options.driver,
        },
        cursor: this.cursors.storeFor(DOOR_ID),
      },
      { agent: start.driverSees ? start.driverSees(this.agent) : this.agent, logger: this.options.driverLogger ?? silentLogger(), clock: this.options.clock },
    );
    this.agent.start();
    this.driver.start();
  }

  /** Envelopes the agent's file has ever stored: its next envelope seq (the agent must be running). */
  storedEnvelopes(): number {
    return this.outbox!.nextSeq();
  }

  /** Stops the agent process: driver first (nothing half-read), then agent, then its files (already shut after a power cut). */
  async stopAgent(): Promise<void> {
    await this.driver.close();
    await this.agent.close();
    this.cursors?.close();
    this.outbox?.close();
    this.cursors = undefined;
    this.outbox = undefined;
  }

  /** Door envelopes that reached the event log, each id once, in log order. */
  events(types?: readonly string[]): Envelope[] {
    const seen = new Set<string>();
    return this.h.recorder.json<Envelope>('oc.events').filter((e) => {
      if (e.deviceId !== DOOR_ID || seen.has(e.id)) return false;
      seen.add(e.id);
      return types === undefined || types.includes(e.type);
    });
  }

  faults(): Array<{ code: string; reason: string }> {
    return this.events(['device.fault']).map((e) => e.data as { code: string; reason: string });
  }

  recoveries(): number {
    return this.events(['device.recovered']).length;
  }

  /** Resolves once the condition holds for what the log has recorded (LogRecorder.until: pollUntil, naming the condition). */
  until(check: () => boolean, what = conditionText(check)): Promise<void> {
    return this.h.recorder.until(check, what);
  }

  async close(): Promise<void> {
    if (this.outbox) await this.stopAgent();
    await this.sim.close();
    await this.h.close();
  }
}
