import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadServiceConfig } from '../config/service-config.ts';
import { bootConfigStore, configStorePath, fixtureFilesOf } from '../config-store/boot.ts';
import type { DeviceItem } from '../config-store/items.ts';
import { adoptProvisionedHashes } from '../config-store/provisioned-hashes.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { FileCredentialStore } from './credentials.ts';
import { startConfiguredGateway } from './configured-gateway.ts';
import { startStoreGateway } from './store-gateway.ts';

/**
 * The gateway as its own process (`npm run gateway`): same settings as `npm start`, no
 * simulators. Like `npm start` it runs on the config store of OC_DATA_DIR (seeded from the
 * fixture on a new data dir) and follows `oc.config`, so a device an admin adds, rotates or
 * revokes through an API on the same data dir takes effect here without a restart.
 */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  try {
    const config = loadServiceConfig();
    // A fresh OC_DATA_DIR is fine, as under `npm start`: the embedded log creates its file there.
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-gateway', logger);
    const booted = bootConfigStore({ path: configStorePath(config.dataDir), fixture: fixtureFilesOf(config), log, clock: systemClock, logger: logger.child({ component: 'config' }) });
    const store = booted.config.store;
    // Hashes `npm run provision` wrote after the store was seeded: devices that had none take them.
    if (existsSync(config.credentialsFile)) {
      const adopted = adoptProvisionedHashes(store, new Map(FileCredentialStore.open(config.credentialsFile).entries()));
      if (adopted.length > 0) logger.info({ adopted: adopted.length, credentials: config.credentialsFile }, 'took over provisioned device secrets');
    }
    const unprovisioned = store.list<DeviceItem>('device').filter((d) => d.value.state === 'active' && !d.value.secretHash).length;
    if (unprovisioned > 0) logger.warn({ unprovisioned }, 'devices without credentials cannot connect; run `npm run provision` or add them through the admin API');
    const gateway = await startStoreGateway({
      source: store,
      log,
      logger,
      retainedPath: join(config.dataDir, 'retained-config.db'),
      start: (parts) => startConfiguredGateway(config, { log, ...parts, logger }),
    });
    // Where to look: the log a separately run `npm run alerting` or sqlite3 reads, and the configuration.
    logger.info(
      { dataDir: config.dataDir, eventLog: config.eventLog.kind === 'embedded' ? config.eventLog.path : `kafka ${config.eventLog.brokers.join(',')}`, credentials: config.credentialsFile, configStore: configStorePath(config.dataDir) },
      'gateway data',
    );
    onShutdownSignal(logger, async () => {
      await gateway.close();
      await booted.config.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
