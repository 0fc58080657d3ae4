import { mkdirSync } from 'node:fs';
import { loadServiceConfig } from '../config/service-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { listDevices } from '../site/devices.ts';
import { loadSite } from '../site/load.ts';
import { createTelemetry } from './compose.ts';
import { loadTelemetryConfig } from './config.ts';

/**
 * The telemetry writer as its own process (`npm run telemetry`), reading the same log as
 * a separately started gateway and writing to InfluxDB (OC_TIMESERIES=influxdb) or the
 * embedded store.
 */
async function main(): Promise<void> {
  const logger = createLogger('telemetry');
  try {
    const config = loadServiceConfig();
    const telemetryConfig = loadTelemetryConfig(config.dataDir);
    const devices = listDevices(loadSite(config.siteFile));
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-telemetry', logger);
    const telemetry = await createTelemetry({ log, devices, config: telemetryConfig, logger, clock: systemClock });
    onShutdownSignal(logger, async () => {
      await telemetry.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
