/**
 * The EdgeAgent with protocolVersion 5 on a real socket (the MQTT 5 side of "any MQTT
 * 3.1.1/5 broker"; the 3.1.1 side is agent-outbox.test.ts and the pipeline tests, and
 * tests/infra/agents-mosquitto.test.ts runs both versions against a real Mosquitto).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import { parseEnvelope } from '../../../services/shared/envelope.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { Mqtt5Peer, type Mqtt5Publish } from './mqtt5-peer.ts';

const DEVICE = 'dl8-drain-m3';
const EVENT_TOPIC = `oc/v1/${DEVICE}/event`;
/** MQTT 5 PUBACK reason code "Quota exceeded": the broker refuses this one message. */
const QUOTA_EXCEEDED = 0x97;

let peer: Mqtt5Peer;
let dir: string;
const cleanups: Array<() => Promise<void> | void> = [];
beforeEach(async () => {
  peer = await Mqtt5Peer.start();
  dir = mkdtempSync(join(tmpdir(), 'oc-agent-mqtt5-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await peer.close();
  rmSync(dir, { recursive: true, force: true });
});

function newAgent(maxInFlight?: number): EdgeAgent {
  const outbox = SqliteOutbox.open({ path: join(dir, 'outbox.db'), deviceId: DEVICE, synchronous: 'NORMAL' });
  const agent = new EdgeAgent({
    deviceId: DEVICE,
    kind: 'drain',
    brokerUrl: peer.url,
    password: 'secret',
    outbox,
    protocolVersion: 5,
    heartbeatIntervalMs: 0,
    reconnectPeriodMs: 10,
    maxReconnectPeriodMs: 100,
    logger: silentLogger(),
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
  });
  cleanups.push(() => outbox.close(), () => agent.close());
  return agent;
}

const accepted = (): Mqtt5Publish[] => peer.publishes.filter((p) => p.topic === EVENT_TOPIC && p.reasonCode === 0);
const seqsOf = (publishes: Mqtt5Publish[]): number[] => publishes.map((p) => parseEnvelope(p.payload).seq);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('EdgeAgent over MQTT 5', () => {
  it('connects as MQTT 5 with its retained will, says online, and delivers valid envelopes in seq order', async () => {
    const agent = newAgent();
    agent.start();
    for (let i = 0; i < 10; i++) agent.emitEvent('drain.overflow', { i });
    await peer.waitFor(() => accepted().length === 10);
    await agent.whenDrained();

    expect(peer.connects).toEqual([{ protocolVersion: 5, clientId: DEVICE, willTopic: `oc/v1/${DEVICE}/status`, willRetain: true }]);
    const online = peer.publishes.find((p) => p.topic === `oc/v1/${DEVICE}/status`);
    expect(online).toMatchObject({ qos: 1, retain: true });
    expect(online!.payload.toString()).toBe('online');
    expect(seqsOf(accepted())).toEqual(range(10));
    expect(agent.stats()).toMatchObject({ connected: true, produced: 10, acknowledged: 10, pending: 0, reconnects: 0 });
  });

  it('keeps an entry the broker refuses with a PUBACK reason code, reconnects and resends it before anything later', async () => {
    const refusedOnce = new Set<number>();
    peer.pubackReason = (p) => {
      if (p.topic !== EVENT_TOPIC) return 0;
      const seq = parseEnvelope(p.payload).seq;
      if (seq !== 3 || refusedOnce.has(seq)) return 0;
      refusedOnce.add(seq);
      return QUOTA_EXCEEDED;
    };
    // One in flight at a time: nothing after seq 3 can be on the wire when it is refused.
    const agent = newAgent(1);
    agent.start();
    for (let i = 0; i < 8; i++) agent.emitEvent('drain.overflow', { i });
    await peer.waitFor(() => accepted().length === 8);
    await agent.whenDrained();

    const eventSeqs = peer.publishes.filter((p) => p.topic === EVENT_TOPIC).map((p) => [parseEnvelope(p.payload).seq, p.reasonCode]);
    expect(eventSeqs).toEqual([[0, 0], [1, 0], [2, 0], [3, QUOTA_EXCEEDED], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0]]);
    expect(seqsOf(accepted())).toEqual(range(8));
    expect(peer.connects.length).toBe(2);
    expect(agent.stats()).toMatchObject({ produced: 8, acknowledged: 8, pending: 0, reconnects: 1 });
  });
});
