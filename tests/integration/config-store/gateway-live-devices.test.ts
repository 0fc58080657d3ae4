import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceAdmin } from '../../../services/admin/device-admin.ts';
import { openConfigStore, type RunningConfigStore } from '../../../services/config-store/open-config-store.ts';
import { seedFromFixture } from '../../../services/config-store/seed.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { DeviceRegistry } from '../../../services/gateway/device-registry.ts';
import { hashSecret, MemoryCredentialStore } from '../../../services/gateway/credentials.ts';
import { startGateway } from '../../../services/gateway/gateway.ts';
import { SqliteRetainedConfigs } from '../../../services/gateway/retained-configs.ts';
import { startStoreGateway, type StoreGateway } from '../../../services/gateway/store-gateway.ts';
import { systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { deviceTopic } from '../../../services/shared/topics.ts';
import { loadSite } from '../../../services/site/load.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { connectDevice } from '../../support/device-client.ts';

/**
 * The gateway on the config store, over a real SQLite log and real MQTT clients: devices
 * added, rotated and revoked through the store reach the running gateway by `oc.config`.
 */
let dir: string;
let log: SqliteEventLog;
let config: RunningConfigStore;
let gateway: StoreGateway;
let admin: DeviceAdmin;
const clients: MqttClient[] = [];
const who = { actor: 'admin', address: '127.0.0.1' };

const startGw = () =>
  startStoreGateway({
    source: config.store,
    log,
    logger: silentLogger(),
    retainedPath: join(dir, 'retained.db'),
    start: ({ registry, credentials, retainedConfigs }) => startGateway({ port: 0, log, registry, credentials, retainedConfigs, logger: silentLogger() }),
  });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-live-devices-'));
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
  config = openConfigStore({ path: join(dir, 'config.db'), log, clock: systemClock, logger: silentLogger() });
  seedFromFixture(config.store, { site: loadSite(), roster: {}, rules: {}, users: { users: [] } });
  admin = new DeviceAdmin(config.store);
  gateway = await startGw();
});
afterEach(async () => {
  for (const c of clients) c.end(true);
  await gateway.close();
  await config.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(deviceId: string, secret: string): Promise<MqttClient> {
  return connectDevice(`mqtt://127.0.0.1:${gateway.port}`, deviceId, secret, clients);
}

const retainedConfig = (client: MqttClient, deviceId: string) =>
  new Promise<Record<string, unknown>>((resolve) => {
    client.on('message', (topic, payload) => {
      if (topic === deviceTopic(deviceId, 'config') && payload.length > 0) resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
    client.subscribe(deviceTopic(deviceId, 'config'), { qos: 1 });
  });

const closed = (client: MqttClient) => new Promise<void>((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));

describe('devices added, changed, rotated and revoked while the gateway runs', () => {
  it('lets a new device in with its secret, hands it its retained config and follows a place change', async () => {
    const issued = admin.create({ deviceId: 'dl8-cam-new', kind: 'camera', placeId: 'gate-n', settings: { snapshotOnEvent: false } }, who);
    await gateway.config.reached('device', 'dl8-cam-new', issued.version);
    const client = await connect('dl8-cam-new', issued.secret);
    const first = await retainedConfig(client, 'dl8-cam-new');
    expect(first).toMatchObject({ v: 1, deviceId: 'dl8-cam-new', placeId: 'gate-n', snapshotOnEvent: false, heartbeatIntervalS: 60 });
    const next = new Promise<Record<string, unknown>>((resolve) =>
      client.on('message', (_t, payload) => {
        const c = JSON.parse(payload.toString()) as Record<string, unknown>;
        if (c.placeId === 'lane-1') resolve(c);
      }),
    );
    admin.patch('dl8-cam-new', { version: issued.version, placeId: 'lane-1' }, who);
    expect(await next).toMatchObject({ placeId: 'lane-1' });
  });

  it('closes the live session on rotation; the old secret is refused, the new one works', async () => {
    const issued = admin.create({ deviceId: 'dl8-door-new', kind: 'door', placeId: 'b1-u1' }, who);
    await gateway.config.reached('device', 'dl8-door-new', issued.version);
    const client = await connect('dl8-door-new', issued.secret);
    const rotated = admin.rotate('dl8-door-new', who);
    await gateway.config.reached('device', 'dl8-door-new', rotated.version);
    await closed(client);
    await expect(connect('dl8-door-new', issued.secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
    const again = await connect('dl8-door-new', rotated.secret);
    expect(again.connected).toBe(true);
  });

  it('closes a revoked device within a second and refuses it from then on', async () => {
    const issued = admin.create({ deviceId: 'dl8-drain-new', kind: 'drain', placeId: 'm3' }, who);
    await gateway.config.reached('device', 'dl8-drain-new', issued.version);
    const client = await connect('dl8-drain-new', issued.secret);
    const revokedAt = Date.now();
    const revoked = admin.revoke('dl8-drain-new', who);
    await closed(client);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await gateway.config.reached('device', 'dl8-drain-new', revoked.version);
    await expect(connect('dl8-drain-new', issued.secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
  });

  it('knows the devices added before a restart', async () => {
    const issued = admin.create({ deviceId: 'dl8-cam-later', kind: 'camera', placeId: 'lane-1' }, who);
    await gateway.config.reached('device', 'dl8-cam-later', issued.version);
    await gateway.close();
    gateway = await startGw();
    const client = await connect('dl8-cam-later', issued.secret);
    expect(await retainedConfig(client, 'dl8-cam-later')).toMatchObject({ placeId: 'lane-1' });
  });
});

it('keeps retained config messages on disk: a restarted gateway hands them out before anyone republishes', async () => {
  const path = join(dir, 'retained-only.db');
  const retained = SqliteRetainedConfigs.open(path);
  retained.put('dl8-cam-disk', Buffer.from(JSON.stringify({ v: 1, deviceId: 'dl8-cam-disk', marker: 'from disk' })));
  retained.put('dl8-cam-gone', Buffer.from('{}'));
  const credentials = new MemoryCredentialStore();
  credentials.set('dl8-cam-disk', hashSecret('s3cret-for-test-only'));
  const bare = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices([{ id: 'dl8-cam-disk', kind: 'camera' }]), credentials, retainedConfigs: retained, logger: silentLogger() });
  try {
    const client = mqtt.connect(`mqtt://127.0.0.1:${bare.port}`, { clientId: 'dl8-cam-disk', username: 'dl8-cam-disk', password: 's3cret-for-test-only', reconnectPeriod: 0 });
    clients.push(client);
    await pollUntil('connected', () => client.connected);
    expect(await retainedConfig(client, 'dl8-cam-disk')).toMatchObject({ marker: 'from disk' });
    // A device no longer registered loses its retained config on start.
    expect(retained.all().map(([id]) => id)).toEqual(['dl8-cam-disk']);
  } finally {
    await bare.close();
    retained.close();
  }
});
