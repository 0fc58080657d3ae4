import { EdgeAgent } from '../edge-agent/agent.ts';
import { OutboxDatabase } from '../edge-agent/outbox/sqlite-outbox.ts';
import type { Clock } from '../services/shared/clock.ts';
import { OcError } from '../services/shared/errors.ts';
import type { Logger } from '../services/shared/logger.ts';
import type { PlacedDevice } from '../services/site/devices.ts';
import type { AgentFactory } from './runner.ts';

export interface AgentFleetOptions {
  brokerUrl: string;
  /** Device secrets by device id, as provisioned for the simulated devices. */
  secrets: ReadonlyMap<string, string>;
  /** One SQLite file holds every simulated device's outbox, as on an edge gateway box. */
  outboxPath: string;
  /** Simulated time for the envelopes' device time. */
  clock: Clock;
  logger: Logger;
  protocolVersion?: 4 | 5;
  heartbeatIntervalMs?: number;
  reconnectPeriodMs?: number;
  /** NORMAL is enough for simulators; real agents keep FULL. */
  outboxSync?: 'FULL' | 'NORMAL';
}

/** Real edge agents with durable outboxes for simulated devices; the runner's agent factory. */
export class AgentFleet {
  readonly agents = new Map<string, EdgeAgent>();
  private readonly outboxes: OutboxDatabase;

  constructor(private readonly options: AgentFleetOptions) {
    this.outboxes = OutboxDatabase.open({ path: options.outboxPath, synchronous: options.outboxSync ?? 'NORMAL' });
  }

  readonly factory: AgentFactory = (device: PlacedDevice) => {
    const password = this.options.secrets.get(device.id);
    if (password === undefined) throw new OcError('OC_CONFIG_INVALID', `no secret for simulated device ${device.id}`);
    const agent = new EdgeAgent({
      deviceId: device.id,
      kind: device.kind,
      brokerUrl: this.options.brokerUrl,
      password,
      outbox: this.outboxes.outboxFor(device.id),
      protocolVersion: this.options.protocolVersion ?? 4,
      heartbeatIntervalMs: this.options.heartbeatIntervalMs ?? 60_000,
      reconnectPeriodMs: this.options.reconnectPeriodMs ?? 1_000,
      clock: this.options.clock,
      logger: this.options.logger,
    });
    this.agents.set(device.id, agent);
    return agent;
  };

  connected(): number {
    let n = 0;
    for (const a of this.agents.values()) if (a.stats().connected) n += 1;
    return n;
  }

  /** Closes agents (each says `offline`), then the outbox file; what is unsent stays in it for next time. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.agents.values()].map((a) => a.close()));
    this.outboxes.close();
  }
}
