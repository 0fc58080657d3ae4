import type { AgentLifecycle, AgentStats, DeviceAgent } from '../edge-agent/agent-api.ts';
import { ManualClock, systemClock, type Clock } from '../services/shared/clock.ts';
import { silentLogger, type Logger } from '../services/shared/logger.ts';
import { listDevices, type PlacedDevice } from '../services/site/devices.ts';
import type { SiteConfig } from '../services/site/schema.ts';
import { createDeviceModel } from './models/index.ts';
import type { DeviceModel } from './models/model.ts';
import { PowerSchedule, type PowerCut } from './power-schedule.ts';
import { resolveScenarioEvents, scenarioUtcOffsetMin, selectDevices, type ModelAction, type Scenario } from './scenario.ts';

/** What the runner drives: any DeviceAgent; real EdgeAgents also have a lifecycle. */
export type SimulatedAgent = DeviceAgent & Partial<AgentLifecycle>;
export type AgentFactory = (device: PlacedDevice) => SimulatedAgent;

/** A clock the runner can move: simulated time. ManualClock is one. */
export type SettableClock = Clock & { set(ms: number): void };

/** Used when nobody supplies a key; fine for a demo, not for real cards. */
export const DEFAULT_SIM_SITE_KEY = 'opencompound-simulator-site-key';

export interface SimulationRunnerOptions {
  site: SiteConfig;
  scenario: Scenario;
  agentFactory: AgentFactory;
  /**
   * Simulated time, moved by the runner. Set to `scenario.startAt` when there is one;
   * otherwise the run starts at its current time. Pass the same clock to the agents
   * so their heartbeats carry simulated time too. Default: a new ManualClock.
   */
  clock?: SettableClock;
  /** Wall time, for pacing `run()` and progress lines. Default: the system clock. */
  wallClock?: Clock;
  /** Key for card-number pseudonyms (HMAC-SHA256). */
  siteKey?: string | Buffer;
  logger?: Logger;
  /** Wall ms between progress lines during `run()`. Default 5000; 0 disables. */
  progressIntervalMs?: number;
  onProgress?: (progress: SimulationProgress) => void;
  /** Wall ms between ticks of `run()`. Default 100. */
  tickIntervalMs?: number;
  /**
   * `run()` never moves simulated time past the wall clock: a run that starts in the past
   * plays at its speed until it reaches now, then in real time, so device times stay real
   * times (what the live demo needs for charts of "the last hours"). Default false.
   */
  capAtWallClock?: boolean;
}

export interface SimulationProgress {
  /** Simulated now, ISO. */
  simTime: string;
  elapsedS: number;
  durationS: number;
  percent: number;
  /** Events the behaviour models produced and the runner handed to the devices. */
  events: number;
  /**
   * Telemetry samples the models produced and the runner handed to the devices. Not
   * what reached the platform: over protocols a polled device (a Modbus drain sensor)
   * keeps only its latest reading, so its driver delivers fewer envelopes than samples.
   */
  telemetry: number;
  /** Envelopes the agents had acknowledged by the broker since start, every kind (heartbeats too). */
  delivered: number;
  /** Envelopes still in the agents' outboxes. */
  pending: number;
  /** Emits the agents refused (closed agent, closed outbox). */
  errors: number;
  done: boolean;
}

export interface StepResult {
  events: number;
  telemetry: number;
}

/**
 * Plays a scenario over a site: one behaviour model per device, fed simulated
 * time in ticks, each output handed to that device's agent with its device time.
 */
export class SimulationRunner {
  readonly devices: readonly PlacedDevice[];
  readonly startMs: number;
  readonly endMs: number;
  private readonly scenario: Scenario;
  private readonly agentFactory: AgentFactory;
  private readonly clock: SettableClock;
  private readonly wallClock: Clock;
  private readonly log: Logger;
  private readonly progressIntervalMs: number;
  private readonly onProgress: ((p: SimulationProgress) => void) | undefined;
  private readonly tickIntervalMs: number;
  private readonly capAtWallClock: boolean;
  private readonly models = new Map<string, DeviceModel>();
  private readonly agents = new Map<string, SimulatedAgent>();
  private readonly failingDevices = new Set<string>();
  private readonly power: PowerSchedule;
  /** Devices whose power is cut right now. */
  private readonly unpowered = new Set<string>();
  /** Power-offs still tearing their sockets down; close() waits for them. */
  private readonly powerOffs = new Set<Promise<void>>();
  /** What models said while their device had no power: never handed to an agent. */
  private unpoweredOutputs = 0;
  private readonly countsByType = new Map<string, number>();
  private eventCount = 0;
  private telemetryCount = 0;
  private errorCount = 0;
  private started = false;
  private stopped = false;
  private closePromise: Promise<{ drained: boolean }> | null = null;
  private wake: (() => void) | null = null;

  constructor(options: SimulationRunnerOptions) {
    this.scenario = options.scenario;
    this.agentFactory = options.agentFactory;
    this.wallClock = options.wallClock ?? systemClock;
    this.clock = options.clock ?? new ManualClock(this.wallClock.now());
    this.log = options.logger ?? silentLogger();
    this.progressIntervalMs = options.progressIntervalMs ?? 5000;
    this.onProgress = options.onProgress;
    this.tickIntervalMs = options.tickIntervalMs ?? 100;
    this.capAtWallClock = options.capAtWallClock ?? false;

    // Scripts are checked against the whole site, so a filter never turns a typo into silence.
    const all = listDevices(options.site);
    const actions = resolveScenarioEvents(this.scenario, all);
    this.devices = selectDevices(all, this.scenario.devices);

    if (this.scenario.startAt !== undefined) this.clock.set(Date.parse(this.scenario.startAt));
    this.startMs = this.clock.now();
    this.endMs = this.startMs + this.scenario.durationS * 1000;
    const ctx = {
      seed: this.scenario.seed,
      startMs: this.startMs,
      utcOffsetMin: scenarioUtcOffsetMin(this.scenario),
      siteKey: options.siteKey ?? DEFAULT_SIM_SITE_KEY,
    };
    for (const device of this.devices) this.models.set(device.id, createDeviceModel(device, ctx));
    let skipped = 0;
    const cuts: PowerCut[] = [];
    for (const a of actions) {
      const model = this.models.get(a.deviceId);
      if (!model) skipped++;
      else if (a.action.do === 'power-cut') cuts.push({ deviceId: a.deviceId, offAt: this.startMs + a.atMs, onAt: this.startMs + a.atMs + Math.round(a.action.durationS * 1000) });
      else model.schedule(a.action as ModelAction, this.startMs + a.atMs);
    }
    this.power = new PowerSchedule(cuts);
    if (skipped > 0) this.log.info({ skipped }, 'scripted actions for devices outside the --devices filter are skipped');
  }

  /** Creates and starts one agent per simulated device. Called by `run()` and `step()` if needed. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const device of this.devices) {
      const agent = this.agentFactory(device);
      this.agents.set(device.id, agent);
      agent.start?.();
    }
    this.log.info({ devices: this.devices.length, start: new Date(this.startMs).toISOString(), durationS: this.scenario.durationS }, 'simulation starting');
  }

  /** Simulated now. */
  now(): number {
    return this.clock.now();
  }

  get done(): boolean {
    return this.clock.now() >= this.endMs;
  }

  /**
   * Moves simulated time forward by `ms` (not past the end) and delivers what
   * the devices reported meanwhile. Deterministic: no timers, no wall clock.
   */
  step(ms: number): StepResult {
    if (this.stopped) return { events: 0, telemetry: 0 };
    this.start();
    const target = Math.min(this.endMs, Math.round(this.clock.now() + Math.max(0, ms)));
    const before = { events: this.eventCount, telemetry: this.telemetryCount };
    // Power changes split the step: what a model reports before a cut is delivered, what it reports after is not.
    for (let change = this.power.next(target); change; change = this.power.next(target)) {
      if (change.at - 1 > this.clock.now()) this.advanceModels(change.at - 1);
      this.clock.set(Math.max(this.clock.now(), change.at));
      this.log.info({ at: new Date(change.at).toISOString(), powerOff: change.off.length, powerBack: change.on.length, unpoweredOutputs: this.unpoweredOutputs }, 'power changes');
      for (const deviceId of change.off) this.cutPower(deviceId);
      for (const deviceId of change.on) this.restorePower(deviceId);
    }
    this.advanceModels(target);
    return { events: this.eventCount - before.events, telemetry: this.telemetryCount - before.telemetry };
  }

  /** False while a scripted power cut holds the device down. */
  isPowered(deviceId: string): boolean {
    return !this.unpowered.has(deviceId);
  }

  /** Runs every model up to `untilMs` and hands what the powered devices reported to their agents. */
  private advanceModels(untilMs: number): void {
    // Move the clock first: agents stamping their own envelopes (heartbeats) must not lag the models.
    this.clock.set(untilMs);
    for (const [deviceId, model] of this.models) {
      const agent = this.agents.get(deviceId)!;
      const outputs = model.advance(untilMs);
      // A dead device sees nothing, so nothing it "saw" may reach its agent. The model still
      // runs through the dark: the world goes on (rain fills the manhole, people use the door),
      // and when power returns the device reports the world as it is then. Pausing the model
      // instead would make it pour out the whole dark period at once on power-on, since models
      // are driven by simulated time, not by ticks.
      if (this.unpowered.has(deviceId)) {
        this.unpoweredOutputs += outputs.length;
        continue;
      }
      for (const output of outputs) this.deliver(agent, output.channel, output.type, output.data, output.at);
    }
  }

  private cutPower(deviceId: string): void {
    if (this.unpowered.has(deviceId)) return;
    this.unpowered.add(deviceId);
    const cut = this.agents.get(deviceId)?.powerOff?.();
    if (!cut) return;
    const tracked = cut.catch((err: unknown) => this.log.warn({ deviceId, err: (err as Error).message }, 'power-off failed'));
    this.powerOffs.add(tracked);
    void tracked.then(() => this.powerOffs.delete(tracked));
  }

  private restorePower(deviceId: string): void {
    if (!this.unpowered.delete(deviceId)) return;
    try {
      // start() after powerOff() is the device booting: it reconnects, says `online` and resends its outbox.
      this.agents.get(deviceId)?.start?.();
    } catch (err) {
      this.log.warn({ deviceId, err: (err as Error).message }, 'power back, but the agent would not start');
    }
  }

  /**
   * Plays the scenario at `scenario.speed` simulated seconds per wall second
   * (not past the wall clock with `capAtWallClock`) until the end or `stop()`.
   * Resolves with the final progress.
   */
  async run(): Promise<SimulationProgress> {
    this.start();
    let lastWall = this.wallClock.now();
    let lastProgress = lastWall;
    while (!this.stopped && !this.done) {
      await this.sleep(this.tickIntervalMs);
      const wall = this.wallClock.now();
      const ms = (wall - lastWall) * this.scenario.speed;
      this.step(this.capAtWallClock ? Math.min(ms, wall - this.clock.now()) : ms);
      lastWall = wall;
      if (this.progressIntervalMs > 0 && wall - lastProgress >= this.progressIntervalMs) {
        lastProgress = wall;
        this.reportProgress();
      }
    }
    return this.reportProgress();
  }

  /** Ends `run()` at the next tick; agents stay open until `close()`. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /**
   * Stops, waits up to `drainTimeoutMs` for the agents to deliver what they hold,
   * then closes them. `drained` says whether every outbox emptied in time; what
   * did not stays on disk and is sent on the next run.
   */
  close(options: { drainTimeoutMs?: number } = {}): Promise<{ drained: boolean }> {
    this.closePromise ??= this.shutdown(options.drainTimeoutMs ?? 10_000);
    return this.closePromise;
  }

  progress(): SimulationProgress {
    const now = this.clock.now();
    const elapsedS = (now - this.startMs) / 1000;
    let pending = 0;
    let delivered = 0;
    for (const agent of this.agents.values()) {
      const stats = safeStats(agent);
      pending += stats?.pending ?? 0;
      delivered += stats?.acknowledged ?? 0;
    }
    return {
      simTime: new Date(now).toISOString(),
      elapsedS,
      durationS: this.scenario.durationS,
      percent: Math.round((1000 * elapsedS) / this.scenario.durationS) / 10,
      events: this.eventCount,
      telemetry: this.telemetryCount,
      delivered,
      pending,
      errors: this.errorCount,
      done: now >= this.endMs,
    };
  }

  /** How many of each envelope type were delivered, e.g. `{ 'access.granted': 812, 'drain.level': 480 }`. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.countsByType].sort(([a], [b]) => a.localeCompare(b)));
  }

  private deliver(agent: SimulatedAgent, channel: 'event' | 'telemetry', type: string, data: Record<string, unknown>, at: number): void {
    try {
      if (channel === 'event') agent.emitEvent(type, data, new Date(at));
      else agent.emitTelemetry(type, data, new Date(at));
    } catch (err) {
      this.errorCount++;
      // Once per device: a closed agent would otherwise log on every output.
      if (!this.failingDevices.has(agent.deviceId)) {
        this.failingDevices.add(agent.deviceId);
        this.log.warn({ deviceId: agent.deviceId, err: (err as Error).message }, 'agent refused an envelope');
      }
      return;
    }
    if (channel === 'event') this.eventCount++;
    else this.telemetryCount++;
    this.countsByType.set(type, (this.countsByType.get(type) ?? 0) + 1);
  }

  private reportProgress(): SimulationProgress {
    const p = this.progress();
    this.onProgress?.(p);
    this.log.info(p, progressLine(p));
    return p;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private async shutdown(drainTimeoutMs: number): Promise<{ drained: boolean }> {
    this.stop();
    const agents = [...this.agents.values()];
    // A device still without power cannot deliver; its outbox keeps what it holds for the next run.
    const drains = agents.filter((a) => !this.unpowered.has(a.deviceId)).map((a) => a.whenDrained?.() ?? Promise.resolve());
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), drainTimeoutMs);
    });
    const drained = await Promise.race([Promise.all(drains).then(() => true as const, () => false as const), timedOut]);
    clearTimeout(timer);
    await Promise.allSettled([...this.powerOffs]);
    await Promise.allSettled(agents.map((a) => a.close?.()));
    this.log.info({ drained, ...this.progress() }, 'simulation closed');
    return { drained };
  }
}

function safeStats(agent: DeviceAgent): AgentStats | undefined {
  try {
    return agent.stats();
  } catch {
    return undefined;
  }
}

/**
 * `sim 2026-… 12.5% model: events 40, telemetry samples 900; envelopes: delivered 610, pending 3`.
 * Model counts and envelope counts differ on purpose (a polled device keeps only its latest reading).
 */
export function progressLine(p: SimulationProgress): string {
  return `sim ${p.simTime} ${p.percent.toFixed(1)}% model: events ${p.events}, telemetry samples ${p.telemetry}; envelopes: delivered ${p.delivered}, pending ${p.pending}`;
}
