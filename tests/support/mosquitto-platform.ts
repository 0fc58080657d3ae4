import { randomBytes } from 'node:crypto';
import { pollUntil } from './poll-until.ts';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { validateEnvelope, type Envelope } from '../../services/shared/envelope.ts';
import { parseDeviceTopic } from '../../services/shared/topics.ts';
import { PLATFORM_USER, passwordOf, type MosquittoTarget } from './mosquitto-env.ts';

export interface ReceivedMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

export interface PlatformSubscriberOptions {
  topics: string[];
  /**
   * Persistent session (clean=false, fixed client id): the broker queues what
   * arrives while this subscriber is away, including across a graceful restart.
   */
  persistentSession?: boolean;
}

/**
 * The platform side of the tests: logs in as `oc-platform`, records every message in
 * arrival order and lets a test wait for a condition, re-checked on each arrival
 * instead of on a timer.
 */
export class PlatformSubscriber {
  readonly messages: ReceivedMessage[] = [];

  private constructor(private readonly client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload, retain: packet.retain });
    });
  }

  static async connect(target: MosquittoTarget, options: PlatformSubscriberOptions): Promise<PlatformSubscriber> {
    const clientOptions: IClientOptions = {
      clientId: `${PLATFORM_USER}-test-${randomBytes(4).toString('hex')}`,
      username: PLATFORM_USER,
      password: passwordOf(target, PLATFORM_USER),
      protocolVersion: 4,
      clean: !options.persistentSession,
      // Quick return after a broker restart; the session (not the timing) keeps messages.
      reconnectPeriod: 100,
      connectTimeout: 10_000,
    };
    const client = await mqtt.connectAsync(target.url, clientOptions);
    const subscriber = new PlatformSubscriber(client);
    const granted = await client.subscribeAsync(options.topics, { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length > 0) throw new Error(`broker refused ${refused.map((g) => g.topic).join(', ')} to ${PLATFORM_USER}`);
    return subscriber;
  }

  /** Resolves with the first truthy result of `probe` over the messages received (pollUntil). */
  waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 60_000): Promise<T> {
    return pollUntil(`${what} (among the messages received so far)`, probe, { timeoutMs, intervalMs: 10 });
  }

  /** Messages on one device topic channel, in arrival order. */
  on(deviceId: string, channel: 'event' | 'telemetry' | 'status' | 'config'): ReceivedMessage[] {
    return this.messages.filter((m) => {
      const parsed = parseDeviceTopic(m.topic);
      return parsed?.deviceId === deviceId && parsed.channel === channel;
    });
  }

  /** Envelopes a device published on `event`, validated; throws on the first invalid one. */
  eventsOf(deviceId: string): Envelope[] {
    return this.on(deviceId, 'event').map((m) => validateEnvelope(JSON.parse(m.payload.toString('utf8'))));
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** Drops repeated envelope ids, keeping each first arrival: what an idempotent consumer sees. */
export function firstArrivals(envelopes: readonly Envelope[]): Envelope[] {
  const seen = new Set<string>();
  return envelopes.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
}

/** True when the envelopes carry exactly seq 0..count-1 in that order. */
export function isGapFreeInOrder(envelopes: readonly Envelope[], count: number): boolean {
  return envelopes.length === count && envelopes.every((e, i) => e.seq === i);
}
