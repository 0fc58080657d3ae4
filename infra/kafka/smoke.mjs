// Smoke check of the broker start.sh runs, with the platform's client library (kafkajs):
//
//   node infra/kafka/smoke.mjs write    create topic oc.smoke (3 partitions), produce keyed
//                                       records with acks=all, consume them all with a
//                                       consumer group committing after processing
//   infra/kafka/stop.sh && infra/kafka/start.sh
//   node infra/kafka/smoke.mjs verify   after the restart: the topic, every record and the
//                                       group's committed offsets are still there
//
// OC_KAFKA_PORT picks the broker (default 19092). State between the two steps is kept in
// infra/.cache/kafka/smoke.json. Exit 0 when every check held.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel, Partitioners } = kafkajs;
const HERE = dirname(fileURLToPath(import.meta.url));
const STATE = join(HERE, '..', '.cache', 'kafka', 'smoke.json');
const TOPIC = 'oc.smoke';
const PARTITIONS = 3;
const DEVICES = 12;
const PER_DEVICE = 50;
const TOTAL = DEVICES * PER_DEVICE;

const kafka = new Kafka({
  clientId: 'oc-kafka-smoke',
  brokers: [`127.0.0.1:${process.env.OC_KAFKA_PORT ?? '19092'}`],
  logLevel: logLevel.WARN,
});

const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) process.exitCode = 1;
};
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const timed = async (label, fn) => {
  const t0 = Date.now();
  const result = await fn();
  console.log(`     (${label}: ${Date.now() - t0} ms)`);
  return result;
};

// Reads the whole topic with a consumer group that commits each record's offset after
// "processing" it (at least once, as the platform's consumers do). Checks per-key order.
async function consumeAll(groupId) {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, heartbeatInterval: 1000 });
  const seen = new Map(); // key -> last seq
  let count = 0;
  let outOfOrder = 0;
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${count}/${TOTAL} in 60 s`)), 60000);
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }) => {
          const key = message.key.toString();
          const { seq } = JSON.parse(message.value.toString());
          if (seen.has(key) && seen.get(key) !== seq - 1) outOfOrder += 1;
          seen.set(key, seq);
          count += 1;
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
          if (count === TOTAL) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return { count, outOfOrder, keys: seen.size };
}

async function committed(admin, groupId) {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
  return sum(entry.partitions.map((p) => Number(p.offset)));
}

async function write() {
  const admin = kafka.admin();
  await admin.connect();
  if ((await admin.listTopics()).includes(TOPIC)) {
    await admin.deleteTopics({ topics: [TOPIC], timeout: 10000 });
    // Deletion completes asynchronously; creating the same name too early fails.
    for (let i = 0; i < 50 && (await admin.listTopics()).includes(TOPIC); i += 1) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const created = await admin.createTopics({
    topics: [{ topic: TOPIC, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  check(created, `created topic ${TOPIC} with ${PARTITIONS} partitions`);
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  check(meta.topics[0].partitions.length === PARTITIONS, `metadata shows ${meta.topics[0].partitions.length} partitions`);

  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: false });
  await producer.connect();
  const acked = await timed(`produce ${TOTAL} records, batches of ${DEVICES}, acks=-1`, async () => {
    let n = 0;
    for (let seq = 1; seq <= PER_DEVICE; seq += 1) {
      const messages = [];
      for (let d = 0; d < DEVICES; d += 1) {
        messages.push({ key: `dev-${d}`, value: JSON.stringify({ deviceId: `dev-${d}`, seq }) });
      }
      const res = await producer.send({ topic: TOPIC, acks: -1, messages });
      n += res.length > 0 ? messages.length : 0;
    }
    return n;
  });
  await producer.disconnect();
  check(acked === TOTAL, `produced ${acked}/${TOTAL} records with acks=-1`);

  const offsets = await admin.fetchTopicOffsets(TOPIC);
  const perPartition = offsets.map((p) => Number(p.high));
  check(sum(perPartition) === TOTAL, `log end offsets ${perPartition.join('+')} = ${sum(perPartition)}`);
  check(perPartition.filter((n) => n > 0).length > 1, 'records spread over more than one partition by key');

  const groupId = `oc-smoke-${Date.now()}`;
  const got = await timed(`consume with group ${groupId}`, () => consumeAll(groupId));
  check(got.count === TOTAL && got.keys === DEVICES, `consumed ${got.count}/${TOTAL} records of ${got.keys} keys`);
  check(got.outOfOrder === 0, `per-key order kept (${got.outOfOrder} out of order)`);
  const done = await committed(admin, groupId);
  check(done === TOTAL, `group committed offsets sum to ${done}`);
  await admin.disconnect();
  writeFileSync(STATE, JSON.stringify({ groupId, total: TOTAL, perPartition }));
}

async function verify() {
  const state = JSON.parse(readFileSync(STATE, 'utf8'));
  const admin = kafka.admin();
  await admin.connect();
  check((await admin.listTopics()).includes(TOPIC), `topic ${TOPIC} still exists`);
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  check(meta.topics[0].partitions.length === PARTITIONS, `still ${meta.topics[0].partitions.length} partitions`);
  const perPartition = (await admin.fetchTopicOffsets(TOPIC)).map((p) => Number(p.high));
  check(
    perPartition.join(',') === state.perPartition.join(','),
    `log end offsets ${perPartition.join('+')} as before the restart (${state.perPartition.join('+')})`,
  );
  const done = await committed(admin, state.groupId);
  check(done === state.total, `group ${state.groupId} still has offsets summing to ${done}`);
  const again = await timed('re-read everything with a new group', () => consumeAll(`oc-smoke-verify-${Date.now()}`));
  check(again.count === state.total && again.outOfOrder === 0, `re-read ${again.count}/${state.total} records, in order per key`);
  await admin.disconnect();
}

const step = process.argv[2];
if (step === 'write') await write();
else if (step === 'verify') await verify();
else {
  console.error('usage: node infra/kafka/smoke.mjs write|verify');
  process.exit(2);
}
console.log(process.exitCode ? 'smoke: FAILED' : 'smoke: all checks passed');
