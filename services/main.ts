import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { loadServiceConfig, type ServiceConfig } from './config/service-config.ts';
import { openEventLog } from './event-log/open-event-log.ts';
import { startConfiguredGateway } from './gateway/configured-gateway.ts';
import { readSecretsFile, writeSecretsFile } from './gateway/provision.ts';
import { LogMonitor } from './monitor/log-monitor.ts';
import { isOcError } from './shared/errors.ts';
import { createLogger, type Logger } from './shared/logger.ts';
import { listDevices, type PlacedDevice } from './site/devices.ts';
import { startLiveSimulation, type LiveSimulation } from '../simulators/live-simulation.ts';
import { onShutdownSignal } from './shutdown.ts';
import { platformCloseOrder } from './platform-close-order.ts';
import { demoSignInHints, type SignInHint } from './sign-in-hints.ts';
import { createAlerting } from './alerting/compose.ts';
import { createApi } from './api/compose.ts';
import { createTelemetry } from './telemetry/compose.ts';
import { loadTelemetryConfig, type TelemetryConfig } from './telemetry/config.ts';
import { systemClock } from './shared/clock.ts';
import { ConsumerHealth } from './event-log/guard/consumer-health.ts';
import { createNotifier } from './notifier/compose.ts';
import { loadNotifierConfig } from './notifier/config.ts';
import { openReceiptBook } from './alerting/receipts/receipt-book.ts';
import { toDeviceContext } from './alerting/device-context.ts';
import { DeviceAdmin } from './admin/device-admin.ts';
import { ProvisioningKeys } from './admin/provisioning-keys.ts';
import type { AdminContext } from './api/admin-context.ts';
import { appliedEverywhere } from './config-store/applied-everywhere.ts';
import { bootConfigStore, configStorePath, fixtureFilesOf, storedSettings } from './config-store/boot.ts';
import { alertingConfigOf, followAlertingConfig } from './alerting/live-config.ts';
import { storeUserDirectory } from './api/auth/store-users.ts';
import { followSite } from './config-store/follow-site.ts';
import { issueSimulatorSecrets } from './config-store/simulator-secrets.ts';
import { siteFromItems, siteItemsOf } from './config-store/site-items.ts';
import { startStoreGateway } from './gateway/store-gateway.ts';

const days = (ms: number): number => Math.round(ms / 86_400_000);
const rollupsKept = (kept: { '5m': number; '1h': number } | undefined): string =>
  kept ? `, 5-min rollups ${days(kept['5m'])} days, hourly ${days(kept['1h'])} days` : ', rollups for ever';

/**
 * The composition root of `npm start`: the whole platform in one process on
 * embedded adapters, with the reference site simulated. Nothing else wires
 * config to adapters.
 */
async function main(logger: Logger): Promise<void> {
  const config = loadServiceConfig();
  const telemetryConfig = loadTelemetryConfig(config.dataDir);
  const notifierConfig = loadNotifierConfig(config.dataDir, config.http.port);
  mkdirSync(config.dataDir, { recursive: true });

  const log = await openEventLog(config, 'oc-all-in-one', logger.child({ component: 'event-log' }));

  // The running system is its own source of truth (issue 17): a new data dir is seeded from the fixture files once.
  const configLogger = logger.child({ component: 'config' });
  const booted = bootConfigStore({
    path: configStorePath(config.dataDir),
    fixture: fixtureFilesOf(config),
    log,
    clock: systemClock,
    logger: configLogger,
  });
  const configStore = booted.config.store;
  const secrets = readSecretsFile(config.simulator.secretsFile);
  if (config.simulator.enabled) {
    const issued = issueSimulatorSecrets(configStore, secrets);
    if (issued.length > 0) writeSecretsFile(config.simulator.secretsFile, secrets);
  }
  const items = siteItemsOf((kind) => configStore.list(kind));
  const site = siteFromItems(items);
  const devices = listDevices(site);
  const settings = storedSettings(configStore);

  const gatewayLogger = logger.child({ component: 'gateway' });
  const gateway = await startStoreGateway({
    source: configStore,
    log,
    logger: gatewayLogger,
    retainedPath: join(config.dataDir, 'retained-config.db'),
    start: (parts) => startConfiguredGateway(config, { log, ...parts, logger: gatewayLogger }),
  });
  // Every log consumer of this process reports here: the monitor line, /api/health and a ticket say when one is stuck.
  const health = new ConsumerHealth();
  const monitor = await LogMonitor.start(log, logger.child({ component: 'monitor' }), undefined, { health, clock: systemClock });
  const alerting = await createAlerting({
    log,
    devices,
    storePath: config.alerting.storePath,
    stored: alertingConfigOf(configStore),
    ticketPolicyFile: config.alerting.ticketPolicyFile,
    clock: systemClock,
    logger: logger.child({ component: 'alerting' }),
    tickIntervalMs: config.alerting.tickIntervalMs,
    groupId: config.alerting.groupId,
    startAt: config.alerting.startAt,
    alertRetentionDays: config.alerting.alertRetentionDays,
    health,
    clockSkew: telemetryConfig.clockSkew,
  });
  // Alerting learns devices added, moved or revoked from oc.config, in a group of its own.
  const alertingSite = await followSite({
    source: configStore,
    log,
    groupId: `${config.alerting.groupId}.config`,
    logger: logger.child({ component: 'alerting' }),
    onChange: (view) => alerting.runtime.setDevices(view.devices().map(toDeviceContext)),
  });
  // ...and the roster, the rule settings and the SLA policy, in another: who is dispatched next changes without a restart.
  const alertingPeople = await followAlertingConfig({ source: configStore, log, service: alerting.runtime.service, groupId: `${config.alerting.groupId}.people`, logger: logger.child({ component: 'alerting' }) });
  const telemetry = await createTelemetry({
    log,
    devices,
    config: telemetryConfig,
    logger: logger.child({ component: 'telemetry' }),
    ruleOverrides: settings.ruleOverrides,
    health,
    clock: systemClock,
  });
  // The telemetry writer tags points by place: it follows the site's devices too.
  const telemetrySite = await followSite({ source: configStore, log, groupId: 'oc.telemetry.config', logger: logger.child({ component: 'telemetry' }), onChange: (view) => telemetry.writer.setDevices(view.devices()) });
  const notifier = await createNotifier({ log, config: notifierConfig, roster: alerting.roster, planner: alerting.planner, clock: systemClock, health, logger: logger.child({ component: 'notifier' }) });
  const receipts = await openReceiptBook({ log, path: `${config.dataDir}/receipts.db`, logger: logger.child({ component: 'receipts' }), health, clock: systemClock });
  const apiSite = await followSite({ source: configStore, log, groupId: 'oc.api.config', logger: logger.child({ component: 'api' }) });
  const admin: AdminContext = {
    store: configStore,
    devices: new DeviceAdmin(configStore),
    keys: new ProvisioningKeys(configStore, systemClock),
    applied: appliedEverywhere([gateway.config, alertingSite.following, alertingPeople, apiSite.following], configLogger),
  };
  const api = await createApi({
    alerting,
    siteView: apiSite.view,
    users: storeUserDirectory(configStore, alerting.planner),
    admin,
    site,
    devices,
    clock: systemClock,
    logger: logger.child({ component: 'api' }),
    dataDir: config.dataDir,
    usersFile: config.api.usersFile,
    sessionPolicy: config.api.session,
    secureCookie: config.api.secureCookie,
    series: telemetry.series,
    health,
    receipts,
    pushDevices: notifier.pushDevices,
    reports: { retentionDays: config.api.reports.retentionDays, ...(notifier.trackingLinks ? { sms: notifier.trackingLinks } : {}) },
  });
  await api.app.listen({ host: config.http.host, port: config.http.port });
  // The port actually bound: OC_HTTP_PORT=0 asks the OS for one, and the summary must name it.
  const httpPort = (api.app.server.address() as AddressInfo).port;
  // The notifier's links name that port too (issue 17 follow-up: they said localhost:0).
  notifierConfig.publicUrl.bound(httpPort);

  let simulation: LiveSimulation | undefined;
  if (config.simulator.enabled) {
    simulation = await startLiveSimulation({
      // The fixture's devices only: one added while running is a real device with its own secret.
      site: siteFromItems(items, 'fixture'),
      brokerUrl: `mqtt://${config.mqtt.host === '0.0.0.0' ? '127.0.0.1' : config.mqtt.host}:${gateway.port}`,
      secrets,
      outboxPath: config.simulator.outboxFile,
      scenarioFile: config.simulator.scenarioFile,
      speed: config.simulator.speed,
      mode: config.simulator.mode,
      logger: logger.child({ component: 'simulator' }),
    });
  }

  const hints = config.api.usersFile ? undefined : demoSignInHints(alerting.planner, systemClock.now(), alerting.roster.schedules[0]?.utcOffsetMin ?? 480);
  const c = notifierConfig.channels;
  const notifierLine = `  notifier      ${c.webhooks.length} webhook(s), ${c.robots.length} group robot(s)${c.smtp ? ', email' : ''}; deliveries in ${notifierConfig.storePath}, receipts on oc.notifications`;
  printSummary(config, telemetryConfig, devices, { mqtt: gateway.port, mqttTls: gateway.tlsPort, http: httpPort }, simulation, hints, notifierLine);

  // Devices first, so their last messages and offline status reach the log; the log last (platform-close-order.ts).
  const configParts = {
    close: async () => {
      await apiSite.close();
      await telemetrySite.close();
      await alertingSite.close();
      await alertingPeople.close();
      await booted.config.close();
    },
  };
  const closing = platformCloseOrder({ simulation, gateway, alerting: alerting.runtime, notifier, receipts, telemetry, api: api.app, config: configParts, monitor, log });
  onShutdownSignal(logger, async () => {
    await closing.close(logger);
    logger.info(monitor.snapshot(), 'stopped cleanly');
  });
}

/** A scenario may play only some devices (grease-blockage: the drains); the others stay silent, so say so. */
function simulatedShare(simulation: LiveSimulation, devices: PlacedDevice[]): string {
  const played = simulation.runner.devices;
  if (played.length === devices.length) return '';
  const kinds = [...new Set(played.map((d) => d.kind))].sort().join(', ');
  return ` plays ${played.length} of ${devices.length} devices (${kinds || 'none'}), the others stay silent,`;
}

interface BoundPorts {
  mqtt: number;
  mqttTls: number | undefined;
  http: number;
}

function printSummary(
  config: ServiceConfig,
  telemetryConfig: TelemetryConfig,
  devices: PlacedDevice[],
  ports: BoundPorts,
  simulation: LiveSimulation | undefined,
  hints: ReturnType<typeof demoSignInHints> | undefined,
  notifierLine = '',
): void {
  const count = (kind: string) => devices.filter((d) => d.kind === kind).length;
  // A browser on this machine reaches a wildcard listener on the loopback.
  const web = `http://${config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host}:${ports.http}`;
  const signIn = (h: SignInHint | undefined) => (h ? `, sign in as ${h.login} / ${h.password} (${h.who})` : '');
  const lines = [
    '',
    'OpenCompound is running (embedded defaults)',
    `  duty desk     ${web}/${signIn(hints?.desk)}`,
    `  phone page    ${web}/m${signIn(hints?.phone)}${hints?.phone ? '; the desk dispatches the forced-door ticket to them' : ''}`,
    `  site          ${config.siteFile}`,
    `  data          ${config.dataDir} (everything below lives here; delete it to start afresh)`,
    `  devices       ${devices.length}: ${count('door')} door controllers, ${count('camera')} cameras, ${count('drain')} drain sensors`,
    `  MQTT gateway  mqtt://${config.mqtt.host}:${ports.mqtt}${ports.mqttTls ? ` and mqtts://${config.mqtt.host}:${ports.mqttTls}` : ''} (MQTT 3.1.1, per-device login)`,
    config.eventLog.kind === 'kafka'
      ? `  event log     Kafka at ${config.eventLog.brokers.join(', ')}`
      : `  event log     ${config.eventLog.path} (SQLite, synchronous=${config.eventLog.synchronous})`,
    `  alerting      tickets in ${config.alerting.storePath}; roster ${config.alerting.rosterFile ?? 'Dianliu Block 8 reference'}`,
    telemetryConfig.store.kind === 'influxdb'
      ? `  time series   InfluxDB at ${telemetryConfig.store.url}, bucket ${telemetryConfig.store.bucket}`
      : `  time series   ${telemetryConfig.store.path} (SQLite: points kept ${days(telemetryConfig.store.retentionMs)} days${rollupsKept(telemetryConfig.store.rollupRetentionMs)})`,
    `  API           http://${config.http.host}:${ports.http}/api/tickets (OpenAPI at /api/openapi.json, live stream at /api/stream)`,
    `  sign-in       users from ${config.api.usersFile ?? 'the demo users file (README: desk / desk-demo)'}; sessions in ${config.dataDir}/api.db`,
    `  configuration ${join(config.dataDir, 'config.db')} (site, devices with secret hashes only, people, roster, rules; audited; changes on oc.config)`,
    `  admin page    ${web}/admin${hints ? ', sign in as admin / admin-demo' : ''}`,
    notifierLine,
    simulation
      ? `  simulation    scenario "${simulation.scenarioName}"${simulatedShare(simulation, devices)} ${simulation.historyMs >= 60_000 ? `from ${Math.round(simulation.historyMs / 60_000)} min ago at ${simulation.speed}x, then in real time once it reaches now` : simulation.historyMs > 0 ? `from ${Math.round(simulation.historyMs / 1000)} s ago (where the last run stopped) at ${simulation.speed}x, then in real time` : `from now at ${simulation.speed}x`}; outboxes in ${config.simulator.outboxFile}\n  sim mode      ${simulation.modeDescription}`
      : '  simulation    off (OC_SIMULATE=false): waiting for real devices',
    '  Every 10 s a line reports what reached the event log. Ctrl-C stops everything cleanly.',
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const logger = createLogger('opencompound');
main(logger).catch((err: unknown) => {
  const inUse = err as NodeJS.ErrnoException & { address?: string; port?: number };
  if (isOcError(err)) {
    logger.fatal({ code: err.code }, err.message);
  } else if (inUse.code === 'EADDRINUSE') {
    logger.fatal(
      { code: inUse.code, address: inUse.address, port: inUse.port },
      `${inUse.address ?? ''}:${inUse.port ?? ''} is already in use (another OpenCompound?); choose free ports with OC_MQTT_PORT, OC_HTTP_PORT or OC_MQTT_TLS_PORT`,
    );
  } else {
    // One line naming the cause; the stack stays in the structured record.
    logger.fatal({ err }, `failed to start: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Whatever started before the failure (the log, the gateway's listener, agents) would keep the
  // process alive, half started; exit instead (pino writes the line above before exit).
  process.exit(1);
});
