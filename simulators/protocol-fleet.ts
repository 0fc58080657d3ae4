import type { AgentLifecycle, AgentStats, DeviceAgent } from '../edge-agent/agent-api.ts';
import type { EdgeAgent } from '../edge-agent/agent.ts';
import type { DeviceDriver } from '../edge-agent/drivers/driver.ts';
import type { Clock } from '../services/shared/clock.ts';
import type { DeviceKind, Envelope } from '../services/shared/envelope.ts';
import { OcError } from '../services/shared/errors.ts';
import type { PlacedDevice } from '../services/site/devices.ts';
import { AgentFleet, type AgentFleetOptions } from './agent-fleet.ts';
import type { DeviceOutput } from './models/model.ts';
import type { OpenProtocolKind, ProtocolDevice, ProtocolKind } from './protocols/protocol-kind.ts';
import { PROTOCOL_KINDS } from './protocols/registry.ts';
import { DEFAULT_SIM_SITE_KEY, type AgentFactory, type SimulatedAgent } from './runner.ts';

export interface ProtocolFleetOptions extends AgentFleetOptions {
  /** Card pseudonym key, the same the behaviour models use. */
  siteKey?: string;
  /** Scenario speed (simulated s per wall s); drivers widen their clock tolerance with it. Default 1. */
  speed?: number;
  /** Protocol plug-ins by kind; default the registry (simulators/protocols/registry.ts). */
  kinds?: Partial<Record<DeviceKind, OpenProtocolKind>>;
}

/** Which of the given devices' kinds run over a protocol, and which go model → agent directly. */
export function protocolCoverage(
  devices: readonly PlacedDevice[],
  kinds: Partial<Record<DeviceKind, OpenProtocolKind>> = PROTOCOL_KINDS,
): { protocol: DeviceKind[]; direct: DeviceKind[] } {
  const present = [...new Set(devices.map((d) => d.kind))].sort();
  return { protocol: present.filter((k) => kinds[k] !== undefined), direct: present.filter((k) => kinds[k] === undefined) };
}

/**
 * The reference site as real devices would run it: for each device a protocol
 * simulator on a loopback port, the real driver for it and a real EdgeAgent. Its
 * `factory` gives the runner, per device, an agent look-alike whose emits feed the
 * simulator, so: behaviour model → protocol simulator → socket → driver → agent →
 * gateway. Kinds without a protocol plug-in get the bare agent, as AgentFleet does.
 *
 * Use: construct, build the runner with `factory`, `await prepare(runner.devices)`,
 * then run. Simulators must listen before the runner's synchronous factory runs.
 */
export class ProtocolFleet {
  readonly agents: Map<string, EdgeAgent>;
  readonly drivers = new Map<string, DeviceDriver>();
  private readonly agentFleet: AgentFleet;
  private readonly kindPlugins: Partial<Record<DeviceKind, OpenProtocolKind>>;
  private readonly kinds = new Map<DeviceKind, ProtocolKind>();
  private readonly simulators = new Map<string, ProtocolDevice>();
  private readonly fedAgents: FedAgent[] = [];
  private closePromise: Promise<void> | undefined;

  constructor(private readonly options: ProtocolFleetOptions) {
    this.agentFleet = new AgentFleet(options);
    this.agents = this.agentFleet.agents;
    this.kindPlugins = options.kinds ?? PROTOCOL_KINDS;
  }

  /** Starts the protocol simulator of every device whose kind has a plug-in. */
  async prepare(devices: readonly PlacedDevice[]): Promise<void> {
    for (const device of devices) {
      if (this.simulators.has(device.id)) continue;
      const kind = this.kindFor(device.kind);
      if (!kind) continue;
      this.simulators.set(device.id, await kind.startDevice(device));
    }
  }

  /** "door over HTTP/JSON event stream" for each kind in use; for the start-up summary. */
  describe(): string {
    const parts = [...this.kinds].map(([kind, k]) => `${kind} over ${k.protocol}`);
    return parts.length > 0 ? parts.join(', ') : 'no protocol simulators';
  }

  readonly factory: AgentFactory = (device: PlacedDevice): SimulatedAgent => {
    const agent = this.agentFleet.factory(device) as EdgeAgent;
    const simulator = this.simulators.get(device.id);
    if (!simulator) {
      if (this.kindPlugins[device.kind]) throw new OcError('OC_CONFIG_INVALID', `protocol simulator for ${device.id} was not prepared`);
      return agent;
    }
    const makeDriver = (): DeviceDriver => {
      const driver = simulator.createDriver({ agent, logger: this.options.logger, clock: this.options.clock });
      this.drivers.set(device.id, driver);
      return driver;
    };
    const fed = new FedAgent(agent, makeDriver, simulator, this.options.clock);
    this.fedAgents.push(fed);
    return fed;
  };

  connected(): number {
    return this.agentFleet.connected();
  }

  /** Drivers first (nothing half-read), then agents and the outbox file, then simulators, then what kinds share. */
  close(): Promise<void> {
    this.closePromise ??= (async () => {
      await Promise.allSettled([...this.drivers.values()].map((d) => d.close()));
      await this.agentFleet.close();
      await Promise.allSettled([...this.simulators.values()].map((s) => s.close()));
      await Promise.allSettled([...this.kinds.values()].map((k) => k.close()));
    })();
    return this.closePromise;
  }

  private kindFor(kind: DeviceKind): ProtocolKind | undefined {
    const open = this.kindPlugins[kind];
    if (!open) return undefined;
    let opened = this.kinds.get(kind);
    if (!opened) {
      opened = open({
        clock: this.options.clock,
        logger: this.options.logger,
        siteKey: this.options.siteKey ?? DEFAULT_SIM_SITE_KEY,
        stateFile: this.options.outboxPath,
        stateSync: this.options.outboxSync ?? 'NORMAL',
        speed: this.options.speed ?? 1,
      });
      this.kinds.set(kind, opened);
    }
    return opened;
  }
}

/**
 * What the runner holds for a device that speaks its protocol: emits go to the
 * simulator, the lifecycle drives the real agent and driver. The envelope an emit
 * returns is only a receipt for the runner's counters (id `<device>-fed-<n>`):
 * the envelope the platform receives is built later by the agent, from what the
 * driver read off the socket.
 */
class FedAgent implements DeviceAgent, AgentLifecycle {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  private fed = 0;
  private closed = false;
  /** Undefined between a power cut and the fresh driver the power coming back boots. */
  private driver: DeviceDriver | undefined;
  /** The driver torn down by the last power cut, until its sockets are closed. */
  private driverStopping: Promise<void> = Promise.resolve();

  constructor(
    private readonly agent: EdgeAgent,
    private readonly makeDriver: () => DeviceDriver,
    private readonly simulator: ProtocolDevice,
    private readonly clock: Clock,
  ) {
    this.deviceId = agent.deviceId;
    this.kind = agent.kind;
    this.driver = makeDriver();
  }

  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    return this.feed({ channel: 'event', type, data, at: deviceTime?.getTime() ?? this.clock.now() });
  }

  emitTelemetry(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    return this.feed({ channel: 'telemetry', type, data, at: deviceTime?.getTime() ?? this.clock.now() });
  }

  onConfig(listener: (config: Record<string, unknown>) => void): void {
    this.agent.onConfig(listener);
  }

  stats(): AgentStats {
    return this.agent.stats();
  }

  start(): void {
    this.agent.start();
    if (this.driver) return this.driver.start();
    // Power is back. A closed driver does not start again: boot a fresh one once the old one let go.
    void this.driverStopping.then(() => {
      if (this.closed || this.driver) return;
      this.driver = this.makeDriver();
      this.driver.start();
    });
  }

  /**
   * The edge box loses power with its device: the driver stops (its sockets to the device
   * close) and the agent's link drops as in a power cut. The power coming back (`start()`)
   * boots a fresh driver; its durable state (the door controller's cursor) lives beside the
   * outbox and carries over, as on a real box.
   */
  async powerOff(): Promise<void> {
    const stopping = this.driver?.close() ?? Promise.resolve();
    this.driver = undefined;
    this.driverStopping = stopping;
    await Promise.all([stopping, this.agent.powerOff()]);
  }

  /** The driver has read all that was fed, and the agent has delivered it. */
  async whenDrained(): Promise<void> {
    await this.simulator.whenDelivered?.();
    await this.agent.whenDrained();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.driverStopping;
    await this.driver?.close();
    await this.agent.close();
  }

  private feed(output: DeviceOutput): Envelope {
    if (this.closed) throw new OcError('OC_AGENT_CLOSED', this.deviceId);
    this.simulator.feed(output);
    const seq = this.fed++;
    return { v: 1, id: `${this.deviceId}-fed-${seq}`, deviceId: this.deviceId, kind: this.kind, type: output.type, ts: new Date(output.at).toISOString(), seq, data: output.data };
  }
}
