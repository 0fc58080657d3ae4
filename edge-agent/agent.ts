import { EventEmitter } from 'node:events';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { systemClock, timersOf, type Clock, type Timer } from '../services/shared/clock.ts';
import type { DeviceKind, Envelope } from '../services/shared/envelope.ts';
import { OcError } from '../services/shared/errors.ts';
import { createLogger, type Logger } from '../services/shared/logger.ts';
import { deviceTopic } from '../services/shared/topics.ts';
import type { AgentLifecycle, AgentStats, DeviceAgent, EdgeAgentOptions, EmitOptions } from './agent-api.ts';
import { buildEnvelope } from './envelope-builder.ts';
import { OutboxPump, type PublishEntry } from './outbox-pump.ts';
import type { Outbox, OutboxEntry } from './outbox/outbox.ts';
import { ReconnectBackoff } from './reconnect-backoff.ts';

export interface EdgeAgentEvents {
  /** Connected (CONNACK accepted); the pump is running. */
  connect: [];
  /** A live connection was lost or closed. */
  disconnect: [];
  /** The broker acknowledged an outbox entry and it left the outbox. */
  acked: [entry: OutboxEntry];
}

const DEFAULTS = {
  protocolVersion: 4,
  heartbeatIntervalMs: 30_000,
  keepaliveSec: 30,
  reconnectPeriodMs: 1_000,
  maxReconnectPeriodMs: 30_000,
  maxInFlight: 32,
} as const;

/** How long close() waits for the broker to acknowledge the `offline` status before disconnecting anyway. */
const OFFLINE_STATUS_TIMEOUT_MS = 5_000;

interface DrainWaiter {
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * The agent core every device kind shares: envelopes into the durable outbox, the
 * outbox to the broker over one MQTT connection, status and config topics.
 *
 * mqtt.js is used as a bare connection: its own reconnect and offline queue are off
 * (reconnectPeriod 0, and nothing is ever published while disconnected) because the
 * outbox is the only queue; see OutboxPump and onLinkDown.
 */
export class EdgeAgent implements DeviceAgent, AgentLifecycle {
  readonly deviceId: string;
  readonly kind: DeviceKind;

  private readonly options: EdgeAgentOptions;
  private readonly outbox: Outbox;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly topics;
  private readonly events = new EventEmitter();
  private readonly pump: OutboxPump;
  private readonly backoff: ReconnectBackoff;
  private readonly configListeners: Array<(config: Record<string, unknown>) => void> = [];
  private drainWaiters: DrainWaiter[] = [];

  private client: MqttClient | null = null;
  private connected = false;
  private everConnected = false;
  private closing = false;
  private closePromise: Promise<void> | null = null;
  /** Between powerOff() and the next start(): no link, no timers, no emits. */
  private poweredOff = false;
  /** The socket teardowns of power cuts not yet finished; close() waits for them. */
  private readonly powerCuts = new Set<Promise<void>>();
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeatTimer: Timer | null = null;
  private startedAtMs = 0;
  private produced = 0;
  private acknowledged = 0;
  private reconnects = 0;
  private lastPending = 0;

  constructor(options: EdgeAgentOptions) {
    this.options = options;
    this.deviceId = options.deviceId;
    this.kind = options.kind;
    this.outbox = options.outbox;
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? createLogger('edge-agent')).child({ deviceId: options.deviceId });
    this.topics = {
      event: deviceTopic(options.deviceId, 'event'),
      telemetry: deviceTopic(options.deviceId, 'telemetry'),
      status: deviceTopic(options.deviceId, 'status'),
      config: deviceTopic(options.deviceId, 'config'),
    };
    this.backoff = new ReconnectBackoff(
      options.reconnectPeriodMs ?? DEFAULTS.reconnectPeriodMs,
      options.maxReconnectPeriodMs ?? DEFAULTS.maxReconnectPeriodMs,
    );
    this.pump = new OutboxPump({
      outbox: this.outbox,
      maxInFlight: Math.max(1, options.maxInFlight ?? DEFAULTS.maxInFlight),
      onAcked: (entry) => this.onAcked(entry),
      onFailed: (entry, err) => this.onPublishFailed(entry, err),
    });
  }

  // ---- DeviceAgent ----

  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date, options?: EmitOptions): Envelope {
    return this.emit(this.topics.event, type, data, deviceTime, options?.alsoInTransaction);
  }

  emitTelemetry(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    return this.emit(this.topics.telemetry, type, data, deviceTime);
  }

  onConfig(listener: (config: Record<string, unknown>) => void): void {
    this.configListeners.push(listener);
  }

  stats(): AgentStats {
    return {
      connected: this.connected,
      produced: this.produced,
      acknowledged: this.acknowledged,
      pending: this.pendingCount(),
      reconnects: this.reconnects,
    };
  }

  // ---- lifecycle ----

  start(): void {
    if (this.closing) throw new OcError('OC_AGENT_CLOSED', this.deviceId);
    if (this.client) return;
    if (this.poweredOff) {
      // Power is back: a device that just booted tries its broker at once, not after the old back-off.
      this.poweredOff = false;
      this.backoff.reset();
    }
    this.startedAtMs = this.clock.now();
    const options: IClientOptions = {
      clientId: this.deviceId,
      username: this.deviceId,
      password: this.options.password,
      protocolVersion: this.options.protocolVersion ?? DEFAULTS.protocolVersion,
      clean: true,
      keepalive: this.options.keepaliveSec ?? DEFAULTS.keepaliveSec,
      // Our own back-off with jitter replaces mqtt.js's fixed-period reconnect.
      reconnectPeriod: 0,
      // Belt and braces: nothing may wait in mqtt.js's memory while offline.
      queueQoSZero: false,
      resubscribe: false,
      will: { topic: this.topics.status, payload: Buffer.from('offline'), qos: 1, retain: true },
    };
    if (this.options.tls?.ca !== undefined) options.ca = this.options.tls.ca;
    if (this.options.tls?.rejectUnauthorized !== undefined) options.rejectUnauthorized = this.options.tls.rejectUnauthorized;

    const client = connect(this.options.brokerUrl, options);
    this.client = client;
    client.on('connect', () => this.onLinkUp(client));
    client.on('close', () => this.onLinkDown(client));
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    // Without a listener an 'error' event would crash the process; the broker being down is normal.
    client.on('error', (err) => this.log.warn({ err: err.message }, 'mqtt error'));
    this.log.info({ brokerUrl: this.options.brokerUrl }, 'agent starting');
  }

  powerOff(): Promise<void> {
    if (this.closing || this.poweredOff) return Promise.resolve();
    this.poweredOff = true;
    this.clearReconnectTimer();
    this.stopHeartbeat();
    this.pump.detach(); // what was in flight stays in the outbox, resent after power-on
    const client = this.client;
    // Forgotten at once, so its late 'close' is not taken for a broker outage (no reconnect).
    this.client = null;
    const wasConnected = this.connected;
    this.connected = false;
    if (wasConnected) {
      this.log.info({ pending: this.pendingCount() }, 'power off');
      this.events.emit('disconnect');
    }
    if (!client) return Promise.resolve();
    this.dropMqttCopies(client);
    // end(true) destroys the socket without a DISCONNECT packet (mqtt.js MqttClient._cleanUp(forced)):
    // no `offline` of our own either, so the broker sees what it sees in a real power cut and publishes the will.
    const cut = new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    this.powerCuts.add(cut);
    void cut.then(() => this.powerCuts.delete(cut));
    return cut;
  }

  whenDrained(): Promise<void> {
    if (this.closing) return Promise.reject(new OcError('OC_AGENT_CLOSED', this.deviceId));
    if (this.pump.isIdle()) return Promise.resolve();
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  close(): Promise<void> {
    if (!this.closePromise) {
      this.closing = true;
      this.clearReconnectTimer();
      this.stopHeartbeat();
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter.reject(new OcError('OC_AGENT_CLOSED', this.deviceId));
      this.closePromise = this.shutdown();
    }
    return this.closePromise;
  }

  on<E extends keyof EdgeAgentEvents>(event: E, listener: (...args: EdgeAgentEvents[E]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  off<E extends keyof EdgeAgentEvents>(event: E, listener: (...args: EdgeAgentEvents[E]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  // ---- producing ----

  private emit(topic: string, type: string, data: Record<string, unknown>, deviceTime?: Date, alsoInTransaction?: () => void): Envelope {
    if (this.closing) throw new OcError('OC_AGENT_CLOSED', this.deviceId);
    if (this.poweredOff) throw new OcError('OC_AGENT_POWERED_OFF', this.deviceId);
    let envelope: Envelope | undefined;
    this.outbox.enqueue((seq) => {
      const built = buildEnvelope({
        deviceId: this.deviceId,
        kind: this.kind,
        type,
        seq,
        timeMs: deviceTime ? deviceTime.getTime() : this.clock.now(),
        data,
      });
      envelope = built.envelope;
      return { topic, payload: built.payload, qos: 1 };
    }, alsoInTransaction);
    this.produced += 1;
    this.kickPump();
    return envelope!;
  }

  private kickPump(): void {
    try {
      this.pump.kick();
    } catch (err) {
      // Only an outbox failure (e.g. closed under us) lands here; it must not escape into mqtt.js callbacks.
      this.log.error({ err }, 'outbox pump failed');
    }
  }

  // ---- link ----

  private onLinkUp(client: MqttClient): void {
    if (this.closing || client !== this.client) return;
    this.connected = true;
    this.backoff.reset();
    if (this.everConnected) this.reconnects += 1;
    this.everConnected = true;
    this.log.info({ reconnects: this.reconnects }, 'connected');

    client.publish(this.topics.status, 'online', { qos: 1, retain: true }, (err) => {
      if (err) this.log.debug({ err: err.message }, 'online status not acknowledged');
    });
    // Clean session: the broker forgot our subscription, so subscribe on every connect.
    client.subscribe(this.topics.config, { qos: 1 }, (err, granted) => {
      if (err) this.log.debug({ err: err.message }, 'config subscription not acknowledged');
      else if (granted?.some((g) => g.qos === 128)) this.log.warn('broker refused the config subscription');
    });
    const publishEntry: PublishEntry = (entry, done) => {
      client.publish(entry.topic, entry.payload, { qos: entry.qos }, (err) => done(err));
    };
    try {
      this.pump.attach(publishEntry); // starts from the oldest unacknowledged entry
    } catch (err) {
      this.log.error({ err }, 'outbox pump failed');
    }
    this.startHeartbeat();
    this.events.emit('connect');
  }

  private onLinkDown(client: MqttClient): void {
    if (client !== this.client) return;
    const wasConnected = this.connected;
    this.connected = false;
    this.pump.detach();
    this.stopHeartbeat();
    this.dropMqttCopies(client);
    if (wasConnected) {
      // Losing the broker deserves a warning; hanging up on purpose does not.
      if (this.closing) this.log.debug({ pending: this.pendingCount() }, 'disconnected');
      else this.log.warn({ pending: this.pendingCount() }, 'disconnected');
      this.events.emit('disconnect');
    }
    if (!this.closing) this.scheduleReconnect(client);
  }

  /**
   * mqtt.js keeps every unacknowledged QoS 1 publish in `outgoing` (callback) and in
   * its outgoingStore (packet), and on the next CONNACK it resends the stored packets
   * itself, clean session or not (MqttClient._onConnect replays outgoingStore before
   * emitting 'connect'). The pump resends from the outbox instead, so remove mqtt's
   * copies: removeOutgoingMessage deletes both and calls the old callback with an
   * error, which the pump ignores because that link is gone. client.reconnect()
   * additionally starts from fresh stores. Left in `outgoing`, they would also make
   * client.end() wait forever for 'outgoingEmpty'.
   */
  private dropMqttCopies(client: MqttClient): void {
    for (const messageId of Object.keys(client.outgoing)) client.removeOutgoingMessage(Number(messageId));
  }

  private scheduleReconnect(client: MqttClient): void {
    if (this.reconnectTimer) return;
    const delayMs = this.backoff.nextDelayMs();
    this.log.debug({ delayMs }, 'reconnect scheduled');
    // Not unref'd: a device agent waiting for its broker must keep the process alive.
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closing) client.reconnect();
    }, delayMs);
  }

  private clearReconnectTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  private onAcked(entry: OutboxEntry): void {
    this.acknowledged += 1;
    this.events.emit('acked', entry);
    if (this.drainWaiters.length > 0 && this.pump.isIdle()) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  /**
   * The broker refused an entry (MQTT 5 PUBACK reason code) or the link broke under
   * it. Skipping it would break seq order, so drop the link: the reconnect back-off
   * paces the retry, which starts again from the oldest unacknowledged entry.
   */
  private onPublishFailed(entry: OutboxEntry, err: Error): void {
    if (this.closing) return;
    this.log.warn({ err: err.message, seq: entry.seq }, 'publish not acknowledged; reconnecting to resend in order');
    this.client?.stream?.destroy();
  }

  private onMessage(topic: string, payload: Buffer): void {
    if (topic !== this.topics.config) return;
    if (payload.length === 0) return; // the platform cleared the retained config
    let config: unknown;
    try {
      config = JSON.parse(payload.toString('utf8'));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'ignoring config that is not JSON');
      return;
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) {
      this.log.warn('ignoring config that is not a JSON object');
      return;
    }
    for (const listener of this.configListeners) {
      try {
        listener(config as Record<string, unknown>);
      } catch (err) {
        this.log.error({ err }, 'config listener failed');
      }
    }
  }

  // ---- heartbeat ----

  private startHeartbeat(): void {
    const intervalMs = this.options.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs;
    if (intervalMs <= 0 || this.heartbeatTimer) return;
    // Only while connected, so an outage does not fill the outbox with heartbeats.
    // On the agent's clock: a simulated device beats in simulated time, a real one in wall time.
    this.heartbeatTimer = timersOf(this.clock).every(intervalMs, () => this.beat());
  }

  private stopHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = null;
  }

  private beat(): void {
    try {
      this.emitTelemetry('agent.heartbeat', {
        uptimeS: Math.max(0, Math.round((this.clock.now() - this.startedAtMs) / 1000)),
        pending: this.pendingCount(),
        reconnects: this.reconnects,
      });
    } catch (err) {
      this.log.error({ err }, 'heartbeat failed');
    }
  }

  // ---- shutdown ----

  private async shutdown(): Promise<void> {
    // After a power cut there is no link to say `offline` on; the will has said it.
    await Promise.all([...this.powerCuts]);
    const client = this.client;
    if (!client) return;
    if (this.connected) {
      // Nothing new after `offline`; acks for what is in flight still empty the outbox meanwhile.
      this.pump.stopSending();
      // A clean DISCONNECT discards the will, so say `offline` ourselves first.
      await new Promise<void>((resolve) => {
        const bound = setTimeout(resolve, OFFLINE_STATUS_TIMEOUT_MS);
        bound.unref();
        client.publish(this.topics.status, 'offline', { qos: 1, retain: true }, () => {
          clearTimeout(bound);
          resolve();
        });
      });
    }
    // What is still in flight stays in the outbox and is resent by the next agent on this outbox.
    this.pump.detach();
    this.dropMqttCopies(client);
    const force = !this.connected; // no DISCONNECT to send without a connection
    await new Promise<void>((resolve) => client.end(force, {}, () => resolve()));
    this.connected = false;
    this.log.info({ pending: this.pendingCount() }, 'agent closed');
  }

  private pendingCount(): number {
    try {
      this.lastPending = this.outbox.size();
    } catch {
      // The owner closed the outbox (after close()); report the last known figure.
    }
    return this.lastPending;
  }
}
