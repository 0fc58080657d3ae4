import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import type { EdgeAgentOptions } from '../../../edge-agent/agent-api.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import type { Outbox } from '../../../edge-agent/outbox/outbox.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { AgentTestBroker } from '../../support/agent-broker.ts';
import { nextAgentEvent } from '../../support/agent-events.ts';

const DEVICE = 'door-b1-u1';

let broker: AgentTestBroker;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  broker = await AgentTestBroker.start();
  dir = mkdtempSync(join(tmpdir(), 'oc-agent-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

function openOutbox(): SqliteOutbox {
  const outbox = SqliteOutbox.open({ path: join(dir, 'outbox.db'), deviceId: DEVICE, synchronous: 'NORMAL' });
  cleanups.push(() => outbox.close());
  return outbox;
}

function newAgent(outbox: Outbox, overrides: Partial<EdgeAgentOptions> = {}): EdgeAgent {
  const agent = new EdgeAgent({
    deviceId: DEVICE,
    kind: 'door',
    brokerUrl: broker.url,
    password: 'secret',
    outbox,
    heartbeatIntervalMs: 0,
    reconnectPeriodMs: 10,
    maxReconnectPeriodMs: 100,
    logger: silentLogger(),
    ...overrides,
  });
  cleanups.push(() => agent.close());
  return agent;
}

const next = nextAgentEvent;

const seqs = (deviceId = DEVICE): number[] => broker.distinctEnvelopes(deviceId).map((e) => e.seq);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('EdgeAgent against a real broker', () => {
  it('delivers valid envelopes with gap-free seq, announces online, and leaves a will', async () => {
    const agent = newAgent(openOutbox());
    const connected = next(agent, 'connect');
    agent.start();
    for (let i = 0; i < 6; i++) agent.emitEvent('door.opened', { n: i });
    agent.emitTelemetry('door.battery', { pct: 90 });
    await connected;
    await broker.waitFor(() => seqs().length === 7);
    await agent.whenDrained();

    // envelopes() parses every payload with parseEnvelope, so each one is valid.
    expect(broker.envelopes(DEVICE).map((e) => e.seq)).toEqual(range(7));
    expect(broker.envelopes(DEVICE).every((e) => e.deviceId === DEVICE && e.kind === 'door')).toBe(true);
    const topics = broker.records.filter((r) => /\/(event|telemetry)$/.test(r.topic)).map((r) => [r.topic, r.qos]);
    expect(topics.at(0)).toEqual([`oc/v1/${DEVICE}/event`, 1]);
    expect(topics.at(-1)).toEqual([`oc/v1/${DEVICE}/telemetry`, 1]);
    expect(broker.statusPayloads(DEVICE)).toEqual([{ payload: 'online', retain: true }]);
    expect(agent.stats()).toEqual({ connected: true, produced: 7, acknowledged: 7, pending: 0, reconnects: 0 });

    // The network drops: the broker publishes the will, the agent comes back and says online again.
    const lost = next(agent, 'disconnect');
    const back = next(agent, 'connect');
    broker.dropClient(DEVICE);
    await lost;
    await back;
    const willThenOnline = (): boolean => {
      const statuses = broker.statusPayloads(DEVICE).slice(1);
      const will = statuses.findIndex((s) => s.payload === 'offline' && s.retain);
      return will >= 0 && statuses.slice(will + 1).some((s) => s.payload === 'online' && s.retain);
    };
    await broker.waitFor(willThenOnline);
    expect(agent.stats().reconnects).toBe(1);

    agent.emitEvent('door.closed', {});
    await broker.waitFor(() => seqs().length === 8);

    // A clean close says offline itself (a clean DISCONNECT discards the will).
    await agent.close();
    expect(broker.statusPayloads(DEVICE).at(-1)).toEqual({ payload: 'offline', retain: true });
    expect(agent.stats().connected).toBe(false);
  });

  it('sends heartbeats through the outbox while connected, in the same seq stream', async () => {
    const agent = newAgent(openOutbox(), { heartbeatIntervalMs: 15 });
    agent.emitEvent('door.opened', {});
    agent.start();
    await broker.waitFor(() => broker.distinctEnvelopes(DEVICE).filter((e) => e.type === 'agent.heartbeat').length >= 2);
    await agent.close();
    const envelopes = broker.distinctEnvelopes(DEVICE);
    expect(envelopes.map((e) => e.seq)).toEqual(range(envelopes.length));
    const beat = envelopes.find((e) => e.type === 'agent.heartbeat')!;
    expect(Object.keys(beat.data).sort()).toEqual(['pending', 'reconnects', 'uptimeS']);
    expect(broker.records.find((r) => r.payload.toString().includes('"agent.heartbeat"'))?.topic).toBe(`oc/v1/${DEVICE}/telemetry`);
  });

  it('loses nothing across a broker outage and an agent restart, and resends in seq order', async () => {
    // First agent: delivers three, then three more get stuck in flight (the broker withholds PUBACK).
    const outbox1 = openOutbox();
    const agent1 = newAgent(outbox1);
    agent1.start();
    for (let i = 0; i < 3; i++) agent1.emitEvent('door.opened', { i });
    await broker.waitFor(() => seqs().length === 3);
    await agent1.whenDrained();

    broker.holdDeviceData = true;
    for (let i = 3; i < 6; i++) agent1.emitEvent('door.opened', { i });
    await broker.waitFor(() => broker.held >= 1);

    // The broker dies; the agent keeps producing.
    const lost = next(agent1, 'disconnect');
    await broker.stop();
    await lost;
    for (let i = 6; i < 9; i++) agent1.emitEvent('door.opened', { i });
    expect(agent1.stats()).toMatchObject({ connected: false, produced: 9, acknowledged: 3, pending: 6 });

    // The agent process restarts while the broker is still down.
    await agent1.close();
    outbox1.close();
    const outbox2 = openOutbox();
    expect(outbox2.size()).toBe(6);
    expect(outbox2.nextSeq()).toBe(9);
    const agent2 = newAgent(outbox2);
    agent2.start();
    for (let i = 9; i < 12; i++) agent2.emitEvent('door.opened', { i });
    expect(agent2.stats()).toMatchObject({ connected: false, pending: 9 });

    // The broker returns.
    broker.holdDeviceData = false;
    await broker.restart();
    const drained = agent2.whenDrained();
    await broker.waitFor(() => seqs().length === 12);
    await drained;

    expect(seqs()).toEqual(range(12));
    expect(outbox2.size()).toBe(0);
    expect(agent2.stats()).toMatchObject({ connected: true, produced: 3, acknowledged: 9, pending: 0 });
    // The stuck publishes were never accepted, so each envelope was accepted exactly once:
    // neither agent let mqtt.js replay its own in-memory copies on top of the outbox resend.
    expect(broker.envelopes(DEVICE)).toHaveLength(12);
    const payloadNs = broker.distinctEnvelopes(DEVICE).map((e) => e.data.i);
    expect(payloadNs).toEqual(range(12));
  });

  it('resends what was in flight when the link died from the outbox only, never from mqtt.js memory', async () => {
    const outbox = openOutbox();
    const agent = newAgent(outbox, { maxInFlight: 4 });
    agent.start();
    agent.emitEvent('door.opened', { i: 0 });
    await broker.waitFor(() => seqs().length === 1);

    broker.holdDeviceData = true;
    for (let i = 1; i < 10; i++) agent.emitEvent('door.opened', { i });
    await broker.waitFor(() => broker.held >= 1);
    const lost = next(agent, 'disconnect');
    await broker.stop();
    await lost;

    broker.holdDeviceData = false;
    const back = next(agent, 'connect');
    await broker.restart();
    await back;
    await agent.whenDrained();
    expect(seqs()).toEqual(range(10));
    // Exactly once: the stuck copies were dropped from mqtt.js, only the pump resent them.
    expect(broker.envelopes(DEVICE)).toHaveLength(10);
    expect(agent.stats()).toMatchObject({ produced: 10, acknowledged: 10, pending: 0, reconnects: 1 });
  });

  it('hands retained config to onConfig and survives malformed config', async () => {
    const configTopic = `oc/v1/${DEVICE}/config`;
    await broker.publish(configTopic, JSON.stringify({ holdOpenAlarmS: 60 }), true);

    const agent = newAgent(openOutbox());
    const configs: Array<Record<string, unknown>> = [];
    let wake: (() => void) | null = null;
    const configCount = (n: number): Promise<void> =>
      configs.length >= n ? Promise.resolve() : new Promise((resolve) => (wake = () => configs.length >= n && resolve()));
    agent.onConfig(() => {
      throw new Error('a broken listener must not stop the others');
    });
    agent.onConfig((config) => {
      configs.push(config);
      wake?.();
    });
    agent.start();
    await configCount(1);
    expect(configs).toEqual([{ holdOpenAlarmS: 60 }]);

    await broker.publish(configTopic, '{"holdOpenAlarmS":', true);
    await broker.publish(configTopic, '[1,2,3]', true);
    await broker.publish(configTopic, '', true); // clearing the retained config
    await broker.publish(configTopic, JSON.stringify({ holdOpenAlarmS: 90 }), true);
    await configCount(2);
    expect(configs).toEqual([{ holdOpenAlarmS: 60 }, { holdOpenAlarmS: 90 }]);

    // Still alive and delivering.
    agent.emitEvent('door.opened', {});
    await broker.waitFor(() => seqs().length === 1);
    expect(agent.stats().connected).toBe(true);
  });
});
