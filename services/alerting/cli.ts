import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { DeviceAdmin } from '../admin/device-admin.ts';
import { ProvisioningKeys } from '../admin/provisioning-keys.ts';
import type { AdminContext } from '../api/admin-context.ts';
import { storeUserDirectory } from '../api/auth/store-users.ts';
import { createApi } from '../api/compose.ts';
import { appliedEverywhere } from '../config-store/applied-everywhere.ts';
import { bootConfigStore, configStorePath, fixtureFilesOf, storedSettings } from '../config-store/boot.ts';
import { followSite } from '../config-store/follow-site.ts';
import { siteFromItems, siteItemsOf } from '../config-store/site-items.ts';
import { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import { loadServiceConfig } from '../config/service-config.ts';
import { openEventLog } from '../event-log/open-event-log.ts';
import { systemClock } from '../shared/clock.ts';
import { isOcError } from '../shared/errors.ts';
import { createLogger } from '../shared/logger.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { listDevices } from '../site/devices.ts';
import { openSeriesReader } from '../telemetry/compose.ts';
import { loadTelemetryConfig } from '../telemetry/config.ts';
import { loadNotifierConfig } from '../notifier/config.ts';
import { trackingLinkSender } from '../notifier/tracking-link-sms.ts';
import { createAlerting } from './compose.ts';
import { toDeviceContext } from './device-context.ts';
import { alertingConfigOf, followAlertingConfig } from './live-config.ts';

/**
 * The alerting service and its API as their own process (`npm run alerting`),
 * reading the same log as a separately started gateway. Like `npm start` it runs on the
 * config store of OC_DATA_DIR (seeded from the fixture on a new data dir) and follows
 * `oc.config`: devices, the roster, the rule settings and the SLA policy change without a
 * restart, and its API carries the admin routes. The API's charts read the time-series
 * store that `npm run telemetry` writes (same OC_TIMESERIES settings).
 */
async function main(): Promise<void> {
  const logger = createLogger('alerting');
  try {
    const config = loadServiceConfig();
    const telemetryConfig = loadTelemetryConfig(config.dataDir);
    mkdirSync(config.dataDir, { recursive: true });
    const log = await openEventLog(config, 'oc-alerting', logger);
    const configLogger = logger.child({ component: 'config' });
    const booted = bootConfigStore({ path: configStorePath(config.dataDir), fixture: fixtureFilesOf(config), log, clock: systemClock, logger: configLogger });
    const store = booted.config.store;
    const site = siteFromItems(siteItemsOf((kind) => store.list(kind)));
    const devices = listDevices(site);
    const settings = storedSettings(store);
    // This process's log consumers: /api/health and an IoT ticket say when one is stuck.
    const health = new ConsumerHealth();
    const alerting = await createAlerting({ log, devices, storePath: config.alerting.storePath, stored: alertingConfigOf(store), ticketPolicyFile: config.alerting.ticketPolicyFile, clock: systemClock, logger, tickIntervalMs: config.alerting.tickIntervalMs, groupId: config.alerting.groupId, startAt: config.alerting.startAt, alertRetentionDays: config.alerting.alertRetentionDays, health, clockSkew: telemetryConfig.clockSkew });
    // The same groups as under `npm start`: devices in one, the roster, rules and SLA policy in another.
    const alertingSite = await followSite({ source: store, log, groupId: `${config.alerting.groupId}.config`, logger, onChange: (view) => alerting.runtime.setDevices(view.devices().map(toDeviceContext)) });
    const alertingPeople = await followAlertingConfig({ source: store, log, service: alerting.runtime.service, groupId: `${config.alerting.groupId}.people`, logger });
    const apiSite = await followSite({ source: store, log, groupId: 'oc.api.config', logger: logger.child({ component: 'api' }) });
    const charts = openSeriesReader(telemetryConfig.store, devices, logger.child({ component: 'timeseries' }), settings.ruleOverrides);
    // Residents' tracking links go by SMS through the notifier's channel settings (the same OC_NOTIFY_CHANNELS_FILE), when it has a tracking template.
    const notifierConfig = loadNotifierConfig(config.dataDir, config.http.port);
    const sms = trackingLinkSender(notifierConfig, systemClock, logger.child({ component: 'tracking-links' }));
    // A change answers once this process applied it; the gateway, in its own process, follows oc.config on its own.
    const admin: AdminContext = {
      store,
      devices: new DeviceAdmin(store),
      keys: new ProvisioningKeys(store, systemClock),
      applied: appliedEverywhere([alertingSite.following, alertingPeople, apiSite.following], configLogger),
    };
    const api = await createApi({ alerting, siteView: apiSite.view, users: storeUserDirectory(store, alerting.planner), admin, site, devices, clock: systemClock, logger, dataDir: config.dataDir, usersFile: config.api.usersFile, sessionPolicy: config.api.session, secureCookie: config.api.secureCookie, series: charts.series, health, reports: { retentionDays: config.api.reports.retentionDays, ...(sms ? { sms } : {}) } });
    await api.app.listen({ host: config.http.host, port: config.http.port });
    const httpPort = (api.app.server.address() as AddressInfo).port;
    // The residents' tracking links name the port actually bound (OC_HTTP_PORT=0 lets the OS choose).
    notifierConfig.publicUrl.bound(httpPort);
    logger.info({ port: httpPort, configStore: configStorePath(config.dataDir) }, 'alerting API listening');
    onShutdownSignal(logger, async () => {
      await api.app.close();
      await sms?.close();
      await apiSite.close();
      await alertingPeople.close();
      await alertingSite.close();
      await alerting.runtime.close();
      await charts.close();
      await booted.config.close();
      await log.close();
    });
  } catch (err) {
    logger.fatal(isOcError(err) ? { code: err.code } : { err }, (err as Error).message);
    process.exitCode = 1;
  }
}

void main();
