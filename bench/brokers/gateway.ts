/**
 * The OpenCompound gateway as the bench measures it: per-device login, topic ACL,
 * envelope check and a durable SQLite log append (synchronous=FULL, the default)
 * before each PUBACK; default limits. argv[2]: how many devices are provisioned.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { hashSecret, MemoryCredentialStore } from '../../services/gateway/credentials.ts';
import { DeviceRegistry } from '../../services/gateway/device-registry.ts';
import { startGateway } from '../../services/gateway/gateway.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { benchDevices, benchSecret } from '../lib/devices.ts';
import { hostBroker } from './broker-host.ts';

await hostBroker(async () => {
  const devices = benchDevices(Number(process.argv[2] ?? 5000));
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-gateway-'));
  const log = SqliteEventLog.open({ path: join(dir, 'events.db'), logger: silentLogger() });
  await log.ensureTopics(PLATFORM_TOPICS);
  const credentials = new MemoryCredentialStore();
  for (const d of devices) credentials.set(d.id, hashSecret(benchSecret(d.id)));
  const gateway = await startGateway({
    port: 0,
    log,
    registry: DeviceRegistry.fromDevices(devices),
    credentials,
    logger: silentLogger(),
  });
  return {
    port: gateway.port,
    version: 'opencompound gateway',
    close: async () => {
      await gateway.close();
      await log.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
