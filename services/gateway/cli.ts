import { mkdirSync } from 'node:fs';
import { loadServiceConfig } from '../config/service-config.ts';
import { deviceConfig } from '../device-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { isOcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { listDevices } from '../site/devices.ts';
import { loadSite } from '../site/load.ts';
import { FileCredentialStore } from './credentials.ts';
import { startConfiguredGateway } from './configured-gateway.ts';

/**
 * The gateway as its own process (`npm run gateway`): same settings as `npm start`,
 * no simulators; devices must have been provisioned (`npm run provision`).
 */
async function main(): Promise<void> {
  const logger = createLogger('gateway');
  try {
    const config = loadServiceConfig();
    const devices = listDevices(loadSite(config.siteFile));
    const credentials = FileCredentialStore.open(config.credentialsFile);
    const unprovisioned = devices.filter((d) => !credentials.has(d.id)).length;
    if (unprovisioned > 0) logger.warn({ unprovisioned }, 'devices without credentials cannot connect; run `npm run provision`');
    // A fresh OC_DATA_DIR is fine, as under `npm start`: the embedded log creates its file there.
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-gateway', logger);
    const gateway = await startConfiguredGateway(config, { log, devices, credentials, logger });
    // Where to look: the log a separately run `npm run alerting` or sqlite3 reads, and the hashes.
    logger.info(
      { dataDir: config.dataDir, eventLog: config.eventLog.kind === 'embedded' ? config.eventLog.path : `kafka ${config.eventLog.brokers.join(',')}`, credentials: config.credentialsFile },
      'gateway data',
    );
    // As under `npm start`: each device finds its retained config when it subscribes.
    await Promise.all(devices.map((d) => gateway.publishConfig(d.id, deviceConfig(d))));
    onShutdownSignal(logger, async () => {
      await gateway.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
