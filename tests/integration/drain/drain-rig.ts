import { mkdtempSync, rmSync } from 'node:fs';
import { pollUntil } from '../../support/poll-until.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { drainDriverConfigFor, parseDrainDriverConfig, type DrainDriverConfigInput } from '../../../edge-agent/drivers/drain/config.ts';
import { DrainDriver } from '../../../edge-agent/drivers/drain/drain-driver.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { DrainSimulator, type DrainSimulatorOptions } from '../../../simulators/protocols/drain/drain-simulator.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';

export const DEVICE = 'dl8-drain-m3';
export const DEPTH_MM = 1500;
/** 2026-07-15 20:00 in Jinan: dinner time, the restaurants' peak flow. */
export const T0 = Date.parse('2026-07-15T20:00:00+08:00');

/** Log lines as objects; a real pino logger writing into memory, so tests can see what the driver logged. */
export class LogCapture {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly logger: Logger = pino(
    { level: 'debug' },
    new Writable({
      write: (chunk: Buffer, _enc, done) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    }),
  );

  count(msg: string): number {
    return this.lines.filter((l) => l.msg === msg).length;
  }
}

export interface RigOptions {
  driver?: Partial<DrainDriverConfigInput>;
  sim?: Partial<DrainSimulatorOptions>;
  /** The MQTT secret the agent logs in with; default the provisioned one. */
  password?: string;
  /** A manhole of the site model: its surveyed depth configures sensor and driver. */
  device?: PlacedDevice;
}

/**
 * The whole path on loopback: simulated sensor (Modbus TCP) → real drain driver →
 * real EdgeAgent with a SQLite outbox → real gateway → SQLite event log. Device,
 * driver and agent share one manual clock, so every device time is exact.
 */
export class DrainRig {
  readonly clock = new ManualClock(T0);
  readonly logs = new LogCapture();
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-drain-'));
  h!: GatewayHarness;
  sim!: DrainSimulator;
  outbox!: SqliteOutbox;
  agent!: EdgeAgent;
  driver!: DrainDriver;
  private device: PlacedDevice | undefined;

  static async start(options: RigOptions = {}): Promise<DrainRig> {
    const rig = new DrainRig();
    rig.device = options.device;
    rig.h = await GatewayHarness.start();
    rig.sim = await DrainSimulator.start({ depthMm: options.device?.depthMm ?? DEPTH_MM, clock: rig.clock, seed: 7, ...options.sim });
    rig.outbox = SqliteOutbox.open({ path: join(rig.dir, 'outbox.db'), deviceId: DEVICE, synchronous: 'NORMAL' });
    rig.agent = rig.newAgent(options.password ?? rig.h.secrets.get(DEVICE)!);
    rig.agent.start();
    rig.driver = rig.newDriver(options.driver);
    rig.driver.start();
    return rig;
  }

  newAgent(password: string): EdgeAgent {
    return new EdgeAgent({
      deviceId: DEVICE,
      kind: 'drain',
      brokerUrl: this.h.url,
      password,
      outbox: this.outbox,
      heartbeatIntervalMs: 0,
      reconnectPeriodMs: 20,
      maxReconnectPeriodMs: 200,
      clock: this.clock,
      logger: this.logs.logger.child({ part: 'agent' }),
    });
  }

  newDriver(overrides: Partial<DrainDriverConfigInput> = {}): DrainDriver {
    const settings = {
      host: '127.0.0.1',
      port: this.sim.port,
      pollIntervalMs: 20,
      fastPollIntervalMs: 10,
      // Generous: a loaded machine must not turn a slow answer into a fault.
      requestTimeoutMs: 5_000,
      retryInitialMs: 20,
      retryMaxMs: 200,
      ...overrides,
    };
    // The site model's way (depth from the survey) when the rig has a site device.
    const config = this.device ? drainDriverConfigFor(this.device, settings) : parseDrainDriverConfig({ depthMm: DEPTH_MM, ...settings });
    return new DrainDriver(config, { agent: this.agent, logger: this.logs.logger.child({ part: 'driver' }), clock: this.clock });
  }

  /** Envelopes of this device that reached the event log, events and telemetry, in seq order, once each. */
  delivered(): Envelope[] {
    const all = [...this.h.recorder.json<Envelope>('oc.events'), ...this.h.recorder.json<Envelope>('oc.telemetry')];
    const byId = new Map(all.filter((e) => e.deviceId === DEVICE).map((e) => [e.id, e]));
    return [...byId.values()].sort((a, b) => a.seq - b.seq);
  }

  of(type: string): Envelope[] {
    return this.delivered().filter((e) => e.type === type);
  }

  /** Envelope types in seq order, for asserting the sequence of what happened. */
  types(): string[] {
    return this.delivered().map((e) => e.type);
  }

  /** Resolves when `check` holds for what reached the log; fails naming `what` after the deadline. */
  untilLogged(check: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
    return withDeadline(this.h.recorder.until(check), what, deadlineMs, () => this.types().join(', '));
  }

  async close(): Promise<void> {
    await this.driver.close();
    await this.agent.close();
    this.outbox.close();
    await this.sim.close();
    await this.h.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls a condition that no event announces (driver status, simulator counters) until a deadline. */
export async function until(check: () => boolean, what: string, deadlineMs = 20_000): Promise<void> {
  await pollUntil(what, check, { timeoutMs: deadlineMs, intervalMs: 5 });
}

function withDeadline(p: Promise<void>, what: string, ms: number, state: () => string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; logged so far: ${state()}`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => clearTimeout(timer));
}
