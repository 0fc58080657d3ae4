import type { DeviceKind, Envelope } from '../services/shared/envelope.ts';

/** The contract between device drivers/simulators and the agent core. */
export interface DeviceAgent {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  /**
   * A device event (QoS 1, through the durable outbox). Returns the stored envelope.
   * `options.alsoInTransaction` commits with the envelope or not at all; see EmitOptions.
   */
  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date, options?: EmitOptions): Envelope;
  /** A measurement (QoS 1, through the durable outbox). */
  emitTelemetry(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope;
  /** Called with each retained config the platform publishes for this device. */
  onConfig(listener: (config: Record<string, unknown>) => void): void;
  stats(): AgentStats;
}

export interface EmitOptions {
  /**
   * Runs inside the outbox transaction that stores the envelope: both commit, or
   * neither does and the emit throws. For a driver that reads a device-side journal
   * with a cursor: moving the cursor with the envelope makes each device event reach
   * the outbox exactly once across crashes. It must write through a store on the
   * agent's outbox file (they share its connection) and change nothing in memory,
   * since the commit can still fail after it returns. An agent that has no outbox
   * transaction to offer (a test double, a wrapper passing on three arguments) does
   * not run it; a driver can tell, and fall back to a separate write.
   */
  alsoInTransaction?: () => void;
}

export interface AgentStats {
  connected: boolean;
  /** Envelopes produced since start. */
  produced: number;
  /** Envelopes the broker acknowledged since start. */
  acknowledged: number;
  /** Envelopes still in the outbox. */
  pending: number;
  reconnects: number;
}

/** What the owner of an agent (device CLI, gateway box, simulator) drives; EdgeAgent implements it. */
export interface AgentLifecycle {
  /**
   * Connects in the background; the broker may be down, the agent keeps trying.
   * After `powerOff()` it is the power coming back: a fresh connection, `online`, and
   * the outbox resent from its oldest entry.
   */
  start(): void;
  /**
   * The device loses power (simulators, tests): the connection is dropped at once,
   * with no DISCONNECT and no `offline` of its own, so the broker learns it from the
   * socket (and publishes the will) as it would from a real power cut. Heartbeat and
   * reconnect stop; emits are refused (OC_AGENT_POWERED_OFF) until `start()`; what was
   * unsent stays in the outbox. Resolves once the socket is gone.
   */
  powerOff(): Promise<void>;
  /** Publishes `offline`, disconnects cleanly. Does not close the outbox: its owner does. Also fine after powerOff. */
  close(): Promise<void>;
  /**
   * Resolves once the outbox is empty and nothing is in flight; rejects if the agent closes first.
   * Powered off with entries left, it keeps waiting: they can only drain after power returns.
   */
  whenDrained(): Promise<void>;
}

/** How an agent is set up; `edge-agent/agent.ts` exports `class EdgeAgent implements DeviceAgent` taking this. */
export interface EdgeAgentOptions {
  deviceId: string;
  kind: DeviceKind;
  /** `mqtt://host:port` or `mqtts://host:port`. */
  brokerUrl: string;
  /** The device secret; the MQTT username and client id are the device id. */
  password: string;
  outbox: import('./outbox/outbox.ts').Outbox;
  /** MQTT 3.1.1 (4, default) or 5. The built-in gateway speaks 3.1.1; Mosquitto both. */
  protocolVersion?: 4 | 5;
  /** Heartbeat telemetry while connected; 0 disables. Default 30 s. */
  heartbeatIntervalMs?: number;
  keepaliveSec?: number;
  /** First reconnect delay; doubles up to 30 s, with jitter. Default 1 s. */
  reconnectPeriodMs?: number;
  /** Ceiling of the doubling reconnect delay. Default 30 s; tests lower it. */
  maxReconnectPeriodMs?: number;
  /** Unacknowledged QoS 1 publishes on the wire at once. Default 32. */
  maxInFlight?: number;
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  logger?: import('../services/shared/logger.ts').Logger;
  /** Device time for envelopes; tests and simulations pass their own. */
  clock?: import('../services/shared/clock.ts').Clock;
}
