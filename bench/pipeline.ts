/**
 * The pipeline bench: simulated devices → gateway → event log → alerting consumer,
 * on the embedded log and on Kafka in the same run. Prints messages/s out of the
 * alerting consumer and event-to-ticket latency (p50/p95/p99), and the ratios.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { createAlerting } from '../services/alerting/compose.ts';
import { KafkaEventLog } from '../services/event-log/kafka/kafka-event-log.ts';
import { PLATFORM_TOPICS } from '../services/event-log/platform-topics.ts';
import type { EventLog } from '../services/event-log/port.ts';
import { SqliteEventLog } from '../services/event-log/sqlite/sqlite-event-log.ts';
import { hashSecret, MemoryCredentialStore } from '../services/gateway/credentials.ts';
import { DeviceRegistry } from '../services/gateway/device-registry.ts';
import { startGateway } from '../services/gateway/gateway.ts';
import { buildEnvelope } from '../edge-agent/envelope-builder.ts';
import { systemClock } from '../services/shared/clock.ts';
import { silentLogger } from '../services/shared/logger.ts';
import { deviceTopic } from '../services/shared/topics.ts';
import type { PlacedDevice } from '../services/site/devices.ts';
import { benchDevices, benchSecret } from './lib/devices.ts';
import { runScript } from './lib/run-script.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const DEVICES = Number(process.env.OC_BENCH_PIPELINE_DEVICES ?? 60);
const PER_DEVICE = Number(process.env.OC_BENCH_PIPELINE_MESSAGES ?? 500);
const LATENCY_SAMPLES = 60;

interface PathResult {
  name: string;
  messagesPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
}

const devices = benchDevices(DEVICES);
// The alerting service sees the bench fleet as one compound of a site.
const placed: PlacedDevice[] = devices.map((d, i) => ({
  id: d.id,
  kind: d.kind,
  communityId: 'bench',
  compoundId: 'bench',
  buildingId: `b${i % 6}`,
  placeId: `p${i}`,
  placeType: d.kind === 'drain' ? 'manhole' : 'entrance',
  name: { zh: d.id, en: d.id },
  depthMm: d.kind === 'drain' ? 1500 : undefined,
}));

async function measure(name: string, log: EventLog): Promise<PathResult> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-pipe-'));
  await log.ensureTopics(PLATFORM_TOPICS);
  const credentials = new MemoryCredentialStore();
  for (const d of devices) credentials.set(d.id, hashSecret(benchSecret(d.id)));
  const gateway = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices(devices), credentials, logger: silentLogger() });
  const alerting = await createAlerting({
    log,
    devices: placed,
    storePath: join(dir, 'alerting.db'),
    clock: systemClock,
    logger: silentLogger(),
    tickIntervalMs: 3_600_000,
    groupId: `oc.bench.${Date.now()}`,
    startAt: 'end',
    synchronous: 'NORMAL',
  });
  const service = alerting.runtime.service;
  try {
    // Throughput: from the first publish until the alerting consumer has handled every message.
    const total = DEVICES * PER_DEVICE;
    let handled = 0;
    const allHandled = new Promise<void>((resolve) => {
      service.changes.on('handled', (n) => {
        handled += n;
        if (handled >= total) resolve();
      });
    });
    const started = Date.now();
    await runScript(fork(join(HERE, 'pipeline-load.ts'), [JSON.stringify({ url: `mqtt://127.0.0.1:${gateway.port}`, devices: DEVICES, perDevice: PER_DEVICE, window: 10 })], { execArgv: ['--import', 'tsx'] }));
    await allHandled;
    const messagesPerSecond = total / ((Date.now() - started) / 1000);

    // Latency: a door forced open, from the device's publish to the committed ticket.
    const doors = devices.filter((d) => d.kind === 'door').slice(0, LATENCY_SAMPLES);
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const done = new Promise<void>((resolve) => {
      service.changes.on('ticket', (t) => {
        const at = t.subject.deviceId && sentAt.get(t.subject.deviceId);
        if (!at || t.alertType !== 'door.forced-open') return;
        latencies.push(Date.now() - at);
        sentAt.delete(t.subject.deviceId!);
        if (latencies.length === doors.length) resolve();
      });
    });
    for (const d of doors) {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.port}`, { clientId: d.id, username: d.id, password: benchSecret(d.id), reconnectPeriod: 0 });
      const { payload } = buildEnvelope({ deviceId: d.id, kind: d.kind, type: 'door.forced-open', seq: 0, timeMs: Date.now(), data: {} });
      sentAt.set(d.id, Date.now());
      await c.publishAsync(deviceTopic(d.id, 'event'), payload, { qos: 1 });
      await c.endAsync();
    }
    await done;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!;
    const result = { name, messagesPerSecond, p50: pct(50), p95: pct(95), p99: pct(99) };
    console.log(`[bench] pipeline ${name}: ${Math.round(messagesPerSecond).toLocaleString('en')} msg/s through to the alerting consumer; event→ticket p50 ${result.p50} ms, p95 ${result.p95} ms, p99 ${result.p99} ms`);
    return result;
  } finally {
    await gateway.close();
    await alerting.runtime.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Kafka broker for the bench: OC_KAFKA_BROKERS, or the one infra/kafka installs, started for the run. */
async function kafkaBrokers(): Promise<{ brokers: string[]; stop: () => Promise<void> } | { skipped: string }> {
  if (process.env.OC_KAFKA_BROKERS) return { brokers: process.env.OC_KAFKA_BROKERS.split(','), stop: async () => {} };
  const repo = join(HERE, '..');
  if (!existsSync(join(repo, 'infra/.cache/kafka/libs'))) return { skipped: 'Kafka is not installed (bash infra/kafka/install.sh) and OC_KAFKA_BROKERS is not set' };
  await runScript(fork(join(repo, 'bench/lib/bash.mjs'), [join(repo, 'infra/kafka/start.sh')]));
  return { brokers: ['127.0.0.1:19092'], stop: () => runScript(fork(join(repo, 'bench/lib/bash.mjs'), [join(repo, 'infra/kafka/stop.sh')])) };
}

const results: PathResult[] = [];
const dir = mkdtempSync(join(tmpdir(), 'oc-bench-log-'));
results.push(await measure('embedded (SQLite, synchronous=FULL)', SqliteEventLog.open({ path: join(dir, 'events.db'), logger: silentLogger() })));
rmSync(dir, { recursive: true, force: true });
const kafka = await kafkaBrokers();
if ('skipped' in kafka) console.log(`[bench] pipeline Kafka: skipped: ${kafka.skipped}`);
else {
  try {
    results.push(await measure('Kafka 3.9 (acks=all)', await KafkaEventLog.connect({ brokers: kafka.brokers, clientId: `oc-bench-${Date.now()}`, logger: silentLogger() })));
  } finally {
    await kafka.stop();
  }
}

const base = results[0]!;
const lines = [
  '',
  `## Pipeline: devices → gateway → event log → alerting consumer (${DEVICES} devices × ${PER_DEVICE} messages, QoS 1, window 10)`,
  '',
  '| event log | msg/s out of the alerting consumer | ÷ embedded | event→ticket p50 | p95 | p99 |',
  '|---|--:|--:|--:|--:|--:|',
  ...results.map((r) => `| ${r.name} | ${Math.round(r.messagesPerSecond).toLocaleString('en')} | ${(r.messagesPerSecond / base.messagesPerSecond).toFixed(2)}× | ${r.p50} ms | ${r.p95} ms | ${r.p99} ms |`),
  '',
  `Latency: ${LATENCY_SAMPLES} doors forced open one after another, from the device's publish to the committed ticket. Gateway, log client and alerting run in one process here; the load generator in another.`,
];
console.log(lines.join('\n'));
process.exit(0);
