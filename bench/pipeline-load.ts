/**
 * Load for the pipeline bench: each device publishes `perDevice` envelopes with
 * unique ids (so the alerting consumer really processes each one), QoS 1 with a
 * window, then reports. argv[2]: { url, devices, perDevice, window } as JSON.
 */
import mqtt from 'mqtt';
import { buildEnvelope } from '../edge-agent/envelope-builder.ts';
import { deviceTopic } from '../services/shared/topics.ts';
import { benchDevices, benchSecret } from './lib/devices.ts';

const config = JSON.parse(process.argv[2]!) as { url: string; devices: number; perDevice: number; window: number };
const started = Date.now();
await Promise.all(
  benchDevices(config.devices).map(async (d) => {
    const c = await mqtt.connectAsync(config.url, { clientId: d.id, username: d.id, password: benchSecret(d.id), reconnectPeriod: 0 }, false);
    let next = 0;
    const lane = async () => {
      while (next < config.perDevice) {
        const seq = next++;
        // buildEnvelope gives each a fresh random id, so no earlier run's id repeats.
        const { payload } = buildEnvelope({ deviceId: d.id, kind: d.kind, type: 'agent.heartbeat', seq, timeMs: Date.now(), data: { uptimeS: seq } });
        await c.publishAsync(deviceTopic(d.id, 'telemetry'), payload, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: config.window }, lane));
    await c.endAsync();
  }),
);
process.send?.({ type: 'published', messages: config.devices * config.perDevice, elapsedMs: Date.now() - started });
