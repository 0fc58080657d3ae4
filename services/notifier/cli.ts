import { mkdirSync } from 'node:fs';
import { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import { loadRoster } from '../alerting/roster-file.ts';
import { loadServiceConfig } from '../config/service-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { createNotifier } from './compose.ts';
import { loadNotifierConfig } from './config.ts';

/**
 * The notifier as its own process (`npm run notifier`): reads notifications from
 * `oc.tickets` of the same log as a separately started alerting service, and
 * publishes receipts on `oc.notifications`.
 */
async function main(): Promise<void> {
  const logger = createLogger('notifier');
  try {
    const config = loadServiceConfig();
    const notifierConfig = loadNotifierConfig(config.dataDir, config.http.port);
    // This process binds no HTTP port, so with OC_HTTP_PORT=0 its links could name none: say so at start, not localhost:0 in every message.
    if (!notifierConfig.publicUrl.known) throw new OcError('OC_CONFIG_INVALID', 'OC_PUBLIC_URL is required for `npm run notifier` when OC_HTTP_PORT=0: the ticket links must name where the API answers');
    const roster = loadRoster(config.alerting.rosterFile);
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-notifier', logger);
    const notifier = await createNotifier({ log, config: notifierConfig, roster, planner: new DispatchPlanner(roster), clock: systemClock, logger });
    onShutdownSignal(logger, async () => {
      await notifier.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
