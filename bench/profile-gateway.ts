/**
 * Profiling aid, not a benchmark: the gateway in this process (run it under
 * `node --cpu-prof --import tsx`), loaded by a child process for a fixed count.
 */
import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLATFORM_TOPICS } from '../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../services/event-log/sqlite/sqlite-event-log.ts';
import { hashSecret, MemoryCredentialStore } from '../services/gateway/credentials.ts';
import { DeviceRegistry } from '../services/gateway/device-registry.ts';
import { startGateway } from '../services/gateway/gateway.ts';
import { silentLogger } from '../services/shared/logger.ts';
import { benchDevices, benchSecret } from './lib/devices.ts';

const devices = benchDevices(100);
const log = SqliteEventLog.open({ path: join(mkdtempSync(join(tmpdir(), 'oc-prof-')), 'events.db'), logger: silentLogger() });
await log.ensureTopics(PLATFORM_TOPICS);
const credentials = new MemoryCredentialStore();
for (const d of devices) credentials.set(d.id, hashSecret(benchSecret(d.id)));
const gateway = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices(devices), credentials, logger: silentLogger() });
const child = fork(new URL('./profile-load.ts', import.meta.url).pathname, [String(gateway.port)], { execArgv: ['--import', 'tsx'] });
await new Promise((resolve) => child.on('exit', resolve));
await gateway.close();
await log.close();
