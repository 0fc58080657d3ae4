import { mkdirSync } from 'node:fs';
import { createApi } from '../api/compose.ts';
import { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import { loadServiceConfig } from '../config/service-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { listDevices } from '../site/devices.ts';
import { loadSite } from '../site/load.ts';
import { openSeriesReader } from '../telemetry/compose.ts';
import { loadTelemetryConfig } from '../telemetry/config.ts';
import { loadNotifierConfig } from '../notifier/config.ts';
import { trackingLinkSender } from '../notifier/tracking-link-sms.ts';
import { createAlerting } from './compose.ts';
import { loadRuleOverrides } from './rule-overrides-file.ts';

/**
 * The alerting service and its API as their own process (`npm run alerting`),
 * reading the same log as a separately started gateway. The API's charts read the
 * time-series store that `npm run telemetry` writes (same OC_TIMESERIES settings).
 */
async function main(): Promise<void> {
  const logger = createLogger('alerting');
  try {
    const config = loadServiceConfig();
    const telemetryConfig = loadTelemetryConfig(config.dataDir);
    const site = loadSite(config.siteFile);
    const devices = listDevices(site);
    const log = await openEventLog(config, 'oc-alerting', logger);
    // This process's log consumers: /api/health and an IoT ticket say when one is stuck.
    const health = new ConsumerHealth();
    const alerting = await createAlerting({ log, devices, storePath: config.alerting.storePath, rosterFile: config.alerting.rosterFile, rulesFile: config.alerting.rulesFile, ticketPolicyFile: config.alerting.ticketPolicyFile, clock: systemClock, logger, tickIntervalMs: config.alerting.tickIntervalMs, groupId: config.alerting.groupId, startAt: config.alerting.startAt, alertRetentionDays: config.alerting.alertRetentionDays, health, clockSkew: telemetryConfig.clockSkew });
    mkdirSync(config.dataDir, { recursive: true });
    const charts = openSeriesReader(telemetryConfig.store, devices, logger.child({ component: 'timeseries' }), loadRuleOverrides(config.alerting.rulesFile));
    // Residents' tracking links go by SMS through the notifier's channel settings (the same OC_NOTIFY_CHANNELS_FILE), when it has a tracking template.
    const sms = trackingLinkSender(loadNotifierConfig(config.dataDir, config.http.port), systemClock, logger.child({ component: 'tracking-links' }));
    const api = await createApi({ alerting, site, devices, clock: systemClock, logger, dataDir: config.dataDir, usersFile: config.api.usersFile, sessionPolicy: config.api.session, secureCookie: config.api.secureCookie, series: charts.series, health, reports: { retentionDays: config.api.reports.retentionDays, ...(sms ? { sms } : {}) } });
    await api.app.listen({ host: config.http.host, port: config.http.port });
    onShutdownSignal(logger, async () => {
      await api.app.close();
      await sms?.close();
      await alerting.runtime.close();
      await charts.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
