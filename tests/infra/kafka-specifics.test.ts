/**
 * What only the Kafka adapter can get wrong: partitions and keys, consumer groups with
 * several members, heartbeats during long batches, topic creation, dead letters written
 * by the real gateway, and a produce while the broker is down. Against a real broker;
 * runs, skips or fails like kafka-event-log.test.ts (tests/support/kafka-env.ts).
 *
 * The broker-outage test stops and restarts the broker through infra/kafka/*.sh; it runs
 * last in this file and the infra config runs files one at a time.
 */
import { pollUntil } from '../support/poll-until.ts';
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import mqtt from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KafkaEventLog, type KafkaEventLogOptions } from '../../services/event-log/kafka/kafka-event-log.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import type { LogRecord, ProduceRecord, RecordPosition } from '../../services/event-log/port.ts';
import { generateSecret, hashSecret, MemoryCredentialStore } from '../../services/gateway/credentials.ts';
import type { DeadLetter } from '../../services/shared/dead-letter.ts';
import { DeviceRegistry } from '../../services/gateway/device-registry.ts';
import { startGateway } from '../../services/gateway/gateway.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { readRecords, startCollector, uniqueName, valuesOf, waitUntilAcross } from '../support/event-log-collector.ts';
import { kafkaSetup, startKafka, stopKafka } from '../support/kafka-env.ts';

const setup = kafkaSetup();

if (setup.state === 'broken') {
  describe('KafkaEventLog specifics', () => {
    it('has a Kafka broker to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

describe.skipIf(setup.state !== 'ready')('KafkaEventLog specifics', () => {
  const brokers = setup.state === 'ready' ? setup.brokers : [];
  const opened: KafkaEventLog[] = [];
  let admin: Admin;

  const connect = async (extra: Partial<KafkaEventLogOptions> = {}): Promise<KafkaEventLog> => {
    const log = await KafkaEventLog.connect({ brokers, clientId: uniqueName('oc-test'), ...extra });
    opened.push(log);
    return log;
  };
  // A slow handler: the work a consumer takes, not a wait for something.
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
  const byPosition = (records: readonly LogRecord[]): Map<string, LogRecord> =>
    new Map(records.map((r) => [`${r.topic}/${r.partition}/${r.offset}`, r]));
  const at = (p: RecordPosition): string => `${p.topic}/${p.partition}/${p.offset}`;

  beforeAll(async () => {
    admin = new Kafka({ clientId: 'oc-test-admin', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((log) => log.close()));
  });
  afterAll(async () => {
    await admin?.disconnect();
  });

  it('creates missing topics with their partitions and retention (unset: kept for ever) and leaves existing ones alone', async () => {
    const log = await connect();
    const [events, tickets] = [uniqueName('oc.events'), uniqueName('oc.tickets')];
    await log.ensureTopics([{ name: events, partitions: 6, retentionMs: 7 * 86_400_000 }, { name: tickets, partitions: 2 }]);
    // Again, and asking for more partitions: an existing topic is not re-partitioned (keys would move).
    await log.ensureTopics([{ name: events, partitions: 9, retentionMs: 7 * 86_400_000 }]);

    const { topics } = await admin.fetchTopicMetadata({ topics: [events, tickets] });
    const partitionCount = new Map(topics.map((t) => [t.name, t.partitions.length]));
    expect(partitionCount.get(events)).toBe(6);
    expect(partitionCount.get(tickets)).toBe(2);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [events, tickets].map((name) => ({ type: 2 /* TOPIC */, name, configNames: ['retention.ms'] })),
    });
    const retention = new Map(configs.resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
    expect(retention.get(events)).toBe(String(7 * 86_400_000));
    expect(retention.get(tickets)).toBe('-1');
  });

  it('keeps each device key in one stable partition and in order across 3 partitions; every reported position holds its record', async () => {
    const log = await connect();
    const topic = uniqueName('oc.events');
    await log.ensureTopics([{ name: topic, partitions: 3 }]);
    const devices = Array.from({ length: 24 }, (_, i) => `dl8-device-${i}`);
    const perDevice = 15;
    // Calls mixing all devices (so one call spans every partition), several in one turn.
    const calls: Promise<RecordPosition[]>[] = [];
    const sent: ProduceRecord[][] = [];
    for (let seq = 0; seq < perDevice; seq++) {
      const records = devices.map((key) => ({ key, value: `${key}#${seq}` }));
      sent.push(records);
      calls.push(log.append(topic, records));
    }
    const positions = await Promise.all(calls);

    const partitionOf = new Map<string, number>();
    for (let c = 0; c < sent.length; c++) {
      sent[c]!.forEach((record, i) => {
        const { partition } = positions[c]![i]!;
        expect(partitionOf.get(record.key!) ?? partition).toBe(partition);
        partitionOf.set(record.key!, partition);
      });
    }
    expect(new Set(partitionOf.values()).size).toBe(3);
    // Stable: a later append of a key lands where its earlier records are.
    const later = await log.append(topic, devices.map((key) => ({ key, value: `${key}#${perDevice}` })));
    later.forEach((p, i) => expect(p.partition).toBe(partitionOf.get(devices[i]!)));

    const total = devices.length * (perDevice + 1);
    const records = await readRecords(log, [topic], total);
    expect(records).toHaveLength(total);
    const stored = byPosition(records);
    const allSent = [...sent.flat(), ...devices.map((key) => ({ key, value: `${key}#${perDevice}` }))];
    [...positions.flat(), ...later].forEach((p, i) => {
      expect(stored.get(at(p))?.value.toString('utf8')).toBe(allSent[i]!.value);
    });
    for (const key of devices) {
      const mine = records.filter((r) => r.key === key);
      expect(new Set(mine.map((r) => r.partition))).toEqual(new Set([partitionOf.get(key)]));
      expect(valuesOf(mine)).toEqual(Array.from({ length: perDevice + 1 }, (_, seq) => `${key}#${seq}`));
    }
    console.log(`kafka keys: ${devices.length} keys x ${perDevice + 1} records over 3 partitions, ${total} positions checked, per-key order kept`);
  });

  it('shares partitions between two members of a group, and hands a closing member\'s partitions over with nothing lost', async () => {
    const log = await connect();
    // Two members are two processes, each with its own client, as instances are deployed.
    const otherProcess = await connect();
    const topic = uniqueName('oc.events');
    await log.ensureTopics([{ name: topic, partitions: 3 }]);
    const groupId = uniqueName('alerting');
    const first = await startCollector(log, { topics: [topic], groupId });
    const second = await startCollector(otherProcess, { topics: [topic], groupId });
    const batchOf = (tag: string) => Array.from({ length: 60 }, (_, i) => ({ key: `device-${i % 12}`, value: `${tag}-${i}` }));
    await log.append(topic, batchOf('a'));
    await waitUntilAcross([first, second], () => first.accepted.length + second.accepted.length >= 60);
    const before = [...first.accepted, ...second.accepted];
    const parts = (records: readonly LogRecord[]) => new Set(records.map((r) => r.partition));
    // Both got work, and never the same partition (after the join's rebalance settled).
    expect(first.accepted.length).toBeGreaterThan(0);
    expect(second.accepted.length).toBeGreaterThan(0);
    for (const p of parts(first.accepted)) expect(parts(second.accepted).has(p)).toBe(false);

    await first.close();
    await log.append(topic, batchOf('b'));
    await second.waitUntil(() => second.accepted.filter((r) => r.value.toString().startsWith('b-')).length >= 60);
    await second.close();

    const all = [...first.accepted, ...second.accepted];
    const values = valuesOf(all);
    for (const v of [...batchOf('a'), ...batchOf('b')].map((r) => r.value)) expect(values).toContain(v);
    expect(new Set(values).size).toBe(120);
    expect(all.length).toBe(120); // commit on close: no redelivery either
    console.log(`kafka group: ${before.length} records over 2 members, then ${120 - before.length} after one left; 120 distinct, ${all.length - 120} duplicates`);
  });

  it('keeps a member in its group through a handler slower than the session timeout (heartbeats during the batch)', async () => {
    const log = await connect({ consumer: { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 500 } });
    const topic = uniqueName('oc.events');
    await log.ensureTopics([{ name: topic, partitions: 1 }]);
    await log.append(topic, [{ key: 'slow', value: 'takes long' }]);
    const groupId = uniqueName('group');
    const slow = await startCollector(log, {
      topics: [topic],
      groupId,
      onBatch: async (_batch, deliveryIndex) => {
        if (deliveryIndex === 0) await sleep(9_000);
      },
    });
    await slow.waitUntil(() => slow.accepted.length >= 1);
    await log.append(topic, [{ key: 'slow', value: 'next' }]);
    await slow.waitUntil(() => slow.accepted.length >= 2);
    await slow.close();
    // Thrown out of the group, the commit would have failed and the record come back.
    expect(valuesOf(slow.accepted)).toEqual(['takes long', 'next']);
    expect(slow.deliveries).toHaveLength(2);
  });

  it('makes dead letters written by the real gateway readable from Kafka', async () => {
    const log = await connect();
    await log.ensureTopics(PLATFORM_TOPICS);
    const deviceId = uniqueName('dl8-drain');
    const secret = generateSecret();
    const credentials = new MemoryCredentialStore();
    credentials.set(deviceId, hashSecret(secret));
    const gateway = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices([{ id: deviceId, kind: 'drain' }]), credentials });
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.port}`, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0 });
      const raw = Buffer.from(`{"v":1,"id":"${randomBytes(4).toString('hex')}",`);
      // QoS 1: PUBACK only once Kafka holds the dead letter.
      await client.publishAsync(`oc/v1/${deviceId}/telemetry`, raw, { qos: 1 });
      await client.endAsync();

      const collector = await startCollector(log, { topics: [LOG_TOPICS.deadletter], fromBeginning: true });
      const mine = (): LogRecord[] => collector.accepted.filter((r) => r.key === deviceId);
      await collector.waitUntil(() => mine().length >= 1);
      await collector.close();
      const letter = JSON.parse(mine()[0]!.value.toString('utf8')) as DeadLetter;
      expect(letter).toMatchObject({ code: 'OC_ENVELOPE_MALFORMED_JSON', clientId: deviceId, topic: `oc/v1/${deviceId}/telemetry`, payloadBytes: raw.length });
      expect(Buffer.from(letter.payloadBase64, 'base64').equals(raw)).toBe(true);
      console.log(`kafka dead letters: ${mine().length} record for ${deviceId} read back from ${LOG_TOPICS.deadletter} (${letter.code})`);
    } finally {
      await gateway.close();
    }
  });

  it('rejects connect with OC_LOG_CONNECT_FAILED when no broker listens', async () => {
    await expect(
      KafkaEventLog.connect({ brokers: ['127.0.0.1:1'], clientId: 'oc-test-nowhere', connectionTimeoutMs: 500, retry: { retries: 1, initialRetryTime: 100 } }),
    ).rejects.toMatchObject({ code: 'OC_LOG_CONNECT_FAILED' });
  });

  it('never reports an append as written while the broker is down, and appends again once it is back', async () => {
    const log = await connect({ connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000, retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 1_000 } });
    const topic = uniqueName('oc.events');
    await log.ensureTopics([{ name: topic, partitions: 3 }]);
    const before = await log.append(topic, [{ key: 'd1', value: 'before' }]);

    await stopKafka(brokers);
    let during: PromiseSettledResult<RecordPosition[]>[];
    try {
      during = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => log.append(topic, [{ key: `d${i}`, value: `during-${i}` }])),
      );
    } finally {
      await startKafka(brokers);
    }
    // Either refused (the gateway then withholds PUBACK and the device resends) or, if a
    // retry reached the restarted broker, written: checked below. Never a false success.
    for (const outcome of during) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'OC_LOG_APPEND_FAILED' });
    }

    // The same log object recovers (fresh producer) without a restart of the process.
    const after: RecordPosition[] = await pollUntil('an append to succeed again after the broker came back', () => log.append(topic, [{ key: 'd1', value: 'after' }]), {
      timeoutMs: 20_000,
      intervalMs: 1_000,
    });
    expect(after).toBeDefined();

    const reported = [
      ...before.map((p) => ({ p, value: 'before' })),
      ...during.flatMap((o, i) => (o.status === 'fulfilled' ? [{ p: o.value[0]!, value: `during-${i}` }] : [])),
      ...after!.map((p) => ({ p, value: 'after' })),
    ];
    const reader = await connect();
    const stored = byPosition(await readRecords(reader, [topic], reported.length));
    for (const { p, value } of reported) expect(stored.get(at(p))?.value.toString('utf8')).toBe(value);
    const rejected = during.filter((o) => o.status === 'rejected').length;
    console.log(`kafka outage: ${during.length} appends while stopped, ${rejected} rejected, ${during.length - rejected} reported written and found; ${reported.length} positions checked`);
  });
});
