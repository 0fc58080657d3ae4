import mqtt from 'mqtt';
import { benchDevices, benchSecret } from './lib/devices.ts';
import { publisherOf } from './lib/devices.ts';

const port = Number(process.argv[2]);
const devices = benchDevices(100);
const perClient = 1500;
const start = Date.now();
await Promise.all(
  devices.map(async (d) => {
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: d.id, username: d.id, password: benchSecret(d.id), reconnectPeriod: 0 });
    const spec = publisherOf(d);
    const payload = Buffer.from(spec.payloadBase64, 'base64');
    let next = 0;
    const lane = async () => {
      while (next < perClient) {
        const seq = next++;
        void seq;
        await c.publishAsync(spec.topic, payload, { qos: 1 });
      }
    };
    await Promise.all(Array.from({ length: 10 }, lane));
    await c.endAsync();
  }),
);
console.log(`${(devices.length * perClient) / ((Date.now() - start) / 1000)} msg/s`);
