/**
 * Throughput load: every publisher keeps `window` QoS 1 publishes unacknowledged,
 * sending the next as each PUBACK arrives. A warm-up phase (JIT, SQLite page cache,
 * socket buffers) runs first; the clock covers only the measured phase, from its
 * first publish to its last PUBACK. argv[2]: PublishLoadConfig as JSON.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { benchDevices, publisherOf } from '../lib/devices.ts';
import type { PublishLoadConfig, PublisherSpec } from '../lib/messages.ts';
import { failAndExit, reportToBench, withConcurrency } from './report.ts';

interface Publisher {
  client: MqttClient;
  topic: string;
  payload: Buffer;
}

const config = JSON.parse(process.argv[2] ?? '{}') as PublishLoadConfig;

async function connectPublisher(spec: PublisherSpec): Promise<Publisher> {
  const client = await mqtt.connectAsync(
    config.url,
    { clientId: spec.clientId, username: spec.username, password: spec.password, protocolVersion: 4, reconnectPeriod: 0, keepalive: 120 },
    false,
  );
  return { client, topic: spec.topic, payload: Buffer.from(spec.payloadBase64, 'base64') };
}

function publishMany(p: Publisher, count: number, window: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    const fill = (): void => {
      while (sent < count && sent - acked < window) {
        sent += 1;
        p.client.publish(p.topic, p.payload, { qos: 1 }, (err) => {
          if (err) return reject(err);
          acked += 1;
          if (acked === count) resolve();
          else fill();
        });
      }
    };
    if (count === 0) resolve();
    else fill();
  });
}

const phase = (publishers: Publisher[], perClient: number): Promise<void[]> =>
  Promise.all(publishers.map((p) => publishMany(p, perClient, config.window)));

try {
  const publishers: Publisher[] = [];
  await withConcurrency(benchDevices(config.publishers).map(publisherOf), 50, async (spec) => {
    publishers.push(await connectPublisher(spec));
  });
  await phase(publishers, config.warmupPerClient);
  const started = process.hrtime.bigint();
  await phase(publishers, config.measuredPerClient);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await reportToBench({
    type: 'published',
    warmupMessages: config.warmupPerClient * publishers.length,
    messages: config.measuredPerClient * publishers.length,
    elapsedMs,
  });
  await Promise.all(publishers.map((p) => p.client.endAsync()));
  process.exit(0);
} catch (err) {
  await failAndExit(err);
}
