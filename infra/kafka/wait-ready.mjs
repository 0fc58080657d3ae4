// Readiness probe for the broker infra/kafka/start.sh runs: a kafkajs admin client (the
// library the platform uses) connects, describes the cluster and lists the topics. Retries
// until that works or the time is up; exit 0 when ready, 1 when not.
//
//   node infra/kafka/wait-ready.mjs [host:port] [timeout seconds]   (127.0.0.1:19092, 60)
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const broker = process.argv[2] ?? `127.0.0.1:${process.env.OC_KAFKA_PORT ?? '19092'}`;
const timeoutMs = Number(process.argv[3] ?? '60') * 1000;
const started = Date.now();

// kafkajs retries on its own too; the loop here bounds the total time and keeps each try short.
const kafka = new Kafka({
  clientId: 'oc-kafka-wait-ready',
  brokers: [broker],
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});

let lastError;
while (Date.now() - started < timeoutMs) {
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    const topics = await admin.listTopics();
    const ms = Date.now() - started;
    console.log(
      `kafkajs: ready at ${broker} in ${ms} ms (cluster ${cluster.clusterId}, ` +
        `${cluster.brokers.length} broker, controller ${cluster.controller}, ${topics.length} topics)`,
    );
    await admin.disconnect();
    process.exit(0);
  } catch (err) {
    lastError = err;
    await admin.disconnect().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
console.error(`kafkajs: ${broker} not ready after ${timeoutMs / 1000}s: ${lastError?.message ?? 'no answer'}`);
process.exit(1);
