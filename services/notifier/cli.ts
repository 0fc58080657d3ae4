import { mkdirSync } from 'node:fs';
import { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import { bootConfigStore, configStorePath, fixtureFilesOf, storedSettings } from '../config-store/boot.ts';
import { loadServiceConfig } from '../config/service-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { createNotifier } from './compose.ts';
import { loadNotifierConfig } from './config.ts';
import { followNotifierRoster } from './live-roster.ts';

/**
 * The notifier as its own process (`npm run notifier`): reads notifications from
 * `oc.tickets` of the same log as a separately started alerting service, and
 * publishes receipts on `oc.notifications`. Like `npm run alerting` it runs on the config
 * store of OC_DATA_DIR (seeded from the fixture on a new data dir) and follows `oc.config`
 * for the roster, so a disabled person, a new guard or a swapped shift reaches it without a restart.
 */
async function main(): Promise<void> {
  const logger = createLogger('notifier');
  try {
    const config = loadServiceConfig();
    const notifierConfig = loadNotifierConfig(config.dataDir, config.http.port);
    // This process binds no HTTP port, so with OC_HTTP_PORT=0 its links could name none: say so at start, not localhost:0 in every message.
    if (!notifierConfig.publicUrl.known) throw new OcError('OC_CONFIG_INVALID', 'OC_PUBLIC_URL is required for `npm run notifier` when OC_HTTP_PORT=0: the ticket links must name where the API answers');
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-notifier', logger);
    const configLogger = logger.child({ component: 'config' });
    const booted = bootConfigStore({ path: configStorePath(config.dataDir), fixture: fixtureFilesOf(config), log, clock: systemClock, logger: configLogger });
    const { roster } = storedSettings(booted.config.store);
    const planner = new DispatchPlanner(roster);
    const notifier = await createNotifier({ log, config: notifierConfig, roster, planner, clock: systemClock, logger });
    const following = await followNotifierRoster({ source: booted.config.store, log, planner, logger: configLogger });
    logger.info({ configStore: configStorePath(config.dataDir) }, 'notifier following the roster in the config store');
    onShutdownSignal(logger, async () => {
      await following.close();
      await notifier.close();
      await booted.config.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
