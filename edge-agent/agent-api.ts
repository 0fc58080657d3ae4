import type { DeviceKind, Envelope } from '../services/shared/envelope.ts';

/** The contract between device drivers/simulators and the agent core. */
export interface DeviceAgent {
  readonly deviceId: string;
  readonly kind: DeviceKind;
  /** A device event (QoS 1, through the durable outbox). Returns the stored envelope. */
  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope;
  /** A measurement (QoS 1, through the durable outbox). */
  emitTelemetry(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope;
  /** Called with each retained config the platform publishes for this device. */
  onConfig(listener: (config: Record<string, unknown>) => void): void;
  stats(): AgentStats;
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
