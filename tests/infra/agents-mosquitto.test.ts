/**
 * The real EdgeAgent against a real Mosquitto (any MQTT 3.1.1/5 broker must do for
 * the agents, DESIGN.md "Shape"): delivery in order, survival of a broker outage and
 * an agent restart, and the broker-side login and topic ACL that start.sh configures.
 *
 * Runs when OC_MOSQUITTO_URL is set (.ci/run sets it); skips without it on a
 * developer's machine; fails in CI without it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope } from '../../edge-agent/envelope-builder.ts';
import { MemoryOutbox } from '../../edge-agent/outbox/memory-outbox.ts';
import { SqliteOutbox } from '../../edge-agent/outbox/sqlite-outbox.ts';
import { deviceTopic } from '../../services/shared/topics.ts';
import { assertListening, emitSample, startAgent, type TestDevice } from '../support/mosquitto-agents.ts';
import { startMosquitto, stopMosquitto } from '../support/mosquitto-control.ts';
import { mosquittoSetup, passwordOf, type MosquittoTarget } from '../support/mosquitto-env.ts';
import { firstArrivals, isGapFreeInOrder, PlatformSubscriber } from '../support/mosquitto-platform.ts';

const setup = mosquittoSetup();

if (setup.state === 'broken') {
  describe('agents against Mosquitto', () => {
    it('has a Mosquitto to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

describe.skipIf(setup.state !== 'ready')('agents against Mosquitto', () => {
  const target = (): MosquittoTarget => {
    if (setup.state !== 'ready') throw new Error('unreachable: suite is skipped');
    return setup.target;
  };
  const workDir = mkdtempSync(join(tmpdir(), 'oc-infra-mosquitto-'));
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    await assertListening(target());
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('delivers every event of MQTT 3.1.1 and MQTT 5 agents in order, with valid envelopes and retained online status', async () => {
    const devices: TestDevice[] = [
      { id: 'it-door-v4', kind: 'door', protocolVersion: 4 },
      { id: 'it-camera-v5', kind: 'camera', protocolVersion: 5 },
      { id: 'it-drain-v4', kind: 'drain', protocolVersion: 4 },
      { id: 'it-drain-v5', kind: 'drain', protocolVersion: 5 },
    ];
    const perDevice = 50;
    const subscriber = await PlatformSubscriber.connect(target(), { topics: ['oc/v1/#'] });
    cleanups.push(() => subscriber.close());

    const agents = devices.map((d) => startAgent(target(), d, new MemoryOutbox()));
    cleanups.push(() => Promise.all(agents.map((a) => a.close())).then(() => undefined));
    for (let n = 0; n < perDevice; n++) for (const agent of agents) emitSample(agent, n);
    await Promise.all(agents.map((a) => a.whenDrained()));

    await subscriber.waitFor('every event of every agent', () => devices.every((d) => subscriber.on(d.id, 'event').length >= perDevice));
    for (const d of devices) {
      const envelopes = subscriber.eventsOf(d.id); // validates each one
      expect(envelopes.every((e) => e.deviceId === d.id && e.kind === d.kind)).toBe(true);
      expect(isGapFreeInOrder(firstArrivals(envelopes), perDevice), `${d.id} seqs ${envelopes.map((e) => e.seq).join(',')}`).toBe(true);
    }

    // A platform service that starts later learns who is online from the retained status.
    const late = await PlatformSubscriber.connect(target(), { topics: ['oc/v1/+/status'] });
    cleanups.push(() => late.close());
    await late.waitFor('retained online status of every agent', () =>
      devices.every((d) => late.on(d.id, 'status').some((m) => m.retain && m.payload.toString() === 'online')),
    );
  });

  it('loses nothing when Mosquitto stops while agents keep emitting and one agent restarts meanwhile', async () => {
    const devices: TestDevice[] = [
      { id: 'it-outage-door-v4', kind: 'door', protocolVersion: 4 },
      { id: 'it-outage-camera-v5', kind: 'camera', protocolVersion: 5 },
      { id: 'it-outage-drain-v4', kind: 'drain', protocolVersion: 4 },
    ];
    // Persistent session: the platform must not lose what agents deliver before it is back itself.
    const subscriber = await PlatformSubscriber.connect(target(), { topics: ['oc/v1/+/event'], persistentSession: true });
    cleanups.push(() => subscriber.close());

    const outboxPath = (id: string): string => join(workDir, `${id}.outbox.db`);
    const running = devices.map((d) => {
      const outbox = SqliteOutbox.open({ path: outboxPath(d.id), deviceId: d.id, synchronous: 'NORMAL' });
      return { device: d, outbox, agent: startAgent(target(), d, outbox) };
    });
    cleanups.push(async () => {
      for (const r of running) {
        await r.agent.close();
        r.outbox.close();
      }
    });
    let emitted = 0;
    const emitRound = (count: number): void => {
      for (let i = 0; i < count; i++, emitted++) for (const r of running) emitSample(r.agent, emitted);
    };

    emitRound(20);
    await Promise.all(running.map((r) => r.agent.whenDrained()));

    emitRound(20); // some of these are on the wire when the broker goes away
    await stopMosquitto(target());
    try {
      emitRound(20); // broker down: into the outboxes

      // The door agent process "restarts": a new agent on the same outbox file.
      const restarted = running[0]!;
      await restarted.agent.close();
      restarted.outbox.close();
      restarted.outbox = SqliteOutbox.open({ path: outboxPath(restarted.device.id), deviceId: restarted.device.id, synchronous: 'NORMAL' });
      restarted.agent = startAgent(target(), restarted.device, restarted.outbox);
      emitRound(20);
    } finally {
      // Whatever happened above, the later tests need their broker back.
      await startMosquitto(target());
    }
    emitRound(20);
    await Promise.all(running.map((r) => r.agent.whenDrained()));

    await subscriber.waitFor('every event after the outage', () =>
      devices.every((d) => firstArrivals(subscriber.eventsOf(d.id)).length >= emitted),
    );
    for (const d of devices) {
      const envelopes = subscriber.eventsOf(d.id);
      const unique = firstArrivals(envelopes);
      expect(isGapFreeInOrder(unique, emitted), `${d.id} seqs ${unique.map((e) => e.seq).join(',')}`).toBe(true);
    }
    // The outage really happened to the agents that stayed up: they had to reconnect.
    for (const r of running.slice(1)) expect(r.agent.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  describe('broker-side login and topic ACL', () => {
    const raw = (login: string, password: string, protocolVersion: 4 | 5, clientId = login): MqttClient =>
      mqtt.connect(target().url, { clientId, username: login, password, protocolVersion, reconnectPeriod: 0, connectTimeout: 10_000 });

    it.each([4, 5] as const)('refuses a wrong password with a CONNACK error (MQTT protocol %i)', async (protocolVersion) => {
      const client = raw('it-acl-victim', 'not-the-password', protocolVersion);
      const outcome = await new Promise<{ connected: boolean; code?: number }>((resolve) => {
        client.once('connect', () => resolve({ connected: true }));
        client.once('error', (err) => resolve({ connected: false, code: (err as Error & { code?: number }).code }));
      });
      client.end(true);
      expect(outcome.connected).toBe(false);
      // 3.1.1: 4 bad user name or password / 5 not authorised; 5.0: 0x86 / 0x87.
      expect(protocolVersion === 4 ? [4, 5] : [0x86, 0x87]).toContain(outcome.code);
    });

    it('never delivers a publish under another device id, while delivering the device own next message', async () => {
      const subscriber = await PlatformSubscriber.connect(target(), { topics: ['oc/v1/#'] });
      cleanups.push(() => subscriber.close());
      const intruder = raw('it-acl-intruder', passwordOf(target(), 'it-acl-intruder'), 4);
      cleanups.push(() => intruder.endAsync(true));
      await new Promise<void>((resolve, reject) => {
        intruder.once('connect', () => resolve());
        intruder.once('error', reject);
      });

      const spoof = buildEnvelope({ deviceId: 'it-acl-victim', kind: 'door', type: 'door.forced-open', seq: 0, timeMs: Date.now(), data: {} });
      const own = buildEnvelope({ deviceId: 'it-acl-intruder', kind: 'door', type: 'door.opened', seq: 0, timeMs: Date.now(), data: {} });
      // Mosquitto acknowledges the denied publish like any other (no MQTT 3.1.1 way to refuse) and drops it.
      await intruder.publishAsync(deviceTopic('it-acl-victim', 'event'), spoof.payload, { qos: 1 });
      await intruder.publishAsync(deviceTopic('it-acl-intruder', 'event'), own.payload, { qos: 1 });

      // One connection's messages arrive in order, so once the later one is here the earlier one never will be.
      await subscriber.waitFor('the intruder own event', () => subscriber.eventsOf('it-acl-intruder').some((e) => e.id === own.envelope.id));
      expect(subscriber.on('it-acl-victim', 'event')).toEqual([]);
    });

    it("never delivers another device's config to a device that subscribes to it", async () => {
      const platform = raw('oc-platform', passwordOf(target(), 'oc-platform'), 4, `oc-platform-acl-${process.pid}`);
      const intruder = raw('it-acl-intruder', passwordOf(target(), 'it-acl-intruder'), 4);
      cleanups.push(() => platform.endAsync(true), () => intruder.endAsync(true));
      const received: string[] = [];
      intruder.on('message', (topic) => received.push(topic));
      await Promise.all([platform, intruder].map((c) => new Promise<void>((resolve, reject) => {
        c.once('connect', () => resolve());
        c.once('error', reject);
      })));
      await intruder.subscribeAsync([deviceTopic('it-acl-victim', 'config'), deviceTopic('it-acl-intruder', 'config')], { qos: 1 });

      const ownConfigArrived = new Promise<void>((resolve) =>
        intruder.on('message', (topic) => topic === deviceTopic('it-acl-intruder', 'config') && resolve()),
      );
      await platform.publishAsync(deviceTopic('it-acl-victim', 'config'), JSON.stringify({ secret: 'victim' }), { qos: 1 });
      await platform.publishAsync(deviceTopic('it-acl-intruder', 'config'), JSON.stringify({ mine: true }), { qos: 1 });
      await ownConfigArrived;
      expect(received).not.toContain(deviceTopic('it-acl-victim', 'config'));
    });
  });
});
