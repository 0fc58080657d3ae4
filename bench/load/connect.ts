/**
 * Memory load: logs in one MQTT client per device (each with its own credentials),
 * at most `concurrency` handshakes at a time, holds them all until told to let go.
 * argv[2]: ConnectLoadConfig as JSON.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { benchDevices, loginOf } from '../lib/devices.ts';
import type { ConnectLoadConfig, LoadCommand } from '../lib/messages.ts';
import { failAndExit, reportToBench, withConcurrency } from './report.ts';

const config = JSON.parse(process.argv[2] ?? '{}') as ConnectLoadConfig;
const clients: MqttClient[] = [];

process.on('message', (command: LoadCommand) => {
  if (command.type !== 'disconnect') return;
  // A forced end: the broker side is what is measured, a graceful goodbye adds nothing.
  for (const client of clients) client.end(true);
  process.exit(0);
});
process.on('disconnect', () => process.exit(0));

try {
  const started = process.hrtime.bigint();
  await withConcurrency(benchDevices(config.devices).map(loginOf), config.concurrency, async (login) => {
    const client = await mqtt.connectAsync(
      config.url,
      {
        clientId: login.clientId,
        username: login.username,
        password: login.password,
        protocolVersion: 4,
        reconnectPeriod: 0,
        keepalive: config.keepaliveSec,
        connectTimeout: 30_000,
      },
      false,
    );
    clients.push(client);
  });
  await reportToBench({ type: 'connected', clients: clients.length, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 });
} catch (err) {
  await failAndExit(err);
}
