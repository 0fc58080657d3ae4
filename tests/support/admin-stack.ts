import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeviceAdmin } from '../../services/admin/device-admin.ts';
import { ProvisioningKeys } from '../../services/admin/provisioning-keys.ts';
import { createAlerting, type Alerting } from '../../services/alerting/compose.ts';
import { toDeviceContext } from '../../services/alerting/device-context.ts';
import type { AdminContext } from '../../services/api/admin-context.ts';
import { alertingConfigOf, followAlertingConfig } from '../../services/alerting/live-config.ts';
import { storeUserDirectory } from '../../services/api/auth/store-users.ts';
import type { ConfigFollowing } from '../../services/config-store/config-follower.ts';
import type { Api } from '../../services/api/app.ts';
import { createApi } from '../../services/api/compose.ts';
import { appliedEverywhere } from '../../services/config-store/applied-everywhere.ts';
import { bootConfigStore, storedSettings, type BootedConfig } from '../../services/config-store/boot.ts';
import { followSite, type FollowedSite } from '../../services/config-store/follow-site.ts';
import { siteFromItems, siteItemsOf } from '../../services/config-store/site-items.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { startGateway } from '../../services/gateway/gateway.ts';
import { startStoreGateway, type StoreGateway } from '../../services/gateway/store-gateway.ts';
import type { Clock } from '../../services/shared/clock.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { listDevices } from '../../services/site/devices.ts';
import { REFERENCE_SITE_PATH } from '../../services/site/load.ts';

/**
 * The configuration path of `npm start` in one test process, wired as services/main.ts
 * wires it: a real SQLite log, the config store seeded from the reference fixture, the
 * gateway (real MQTT on a free port), alerting and the API, each following `oc.config` in
 * its own group. No simulation.
 */
export class AdminStack {
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-admin-'));
  log!: SqliteEventLog;
  booted!: BootedConfig;
  gateway!: StoreGateway;
  alerting!: Alerting;
  api!: Api;
  admin!: AdminContext;
  alertingPeople!: ConfigFollowing;
  private sites: FollowedSite[] = [];

  /** `siteFile`: the fixture the config store boots from (the reference site unless a test needs another). */
  static async start(clock: Clock, o: { siteFile?: string } = {}): Promise<AdminStack> {
    const s = new AdminStack();
    const logger = silentLogger();
    s.log = SqliteEventLog.open({ path: join(s.dir, 'events.db'), synchronous: 'NORMAL' });
    await s.log.ensureTopics(PLATFORM_TOPICS);
    s.booted = bootConfigStore({ path: join(s.dir, 'config.db'), fixture: { siteFile: o.siteFile ?? REFERENCE_SITE_PATH }, log: s.log, clock, logger });
    const store = s.booted.config.store;
    const site = siteFromItems(siteItemsOf((kind) => store.list(kind)));
    const devices = listDevices(site);
    storedSettings(store); // what npm start checks at boot: the stored roster, rules and logins hold together
    s.gateway = await startStoreGateway({
      source: store,
      log: s.log,
      logger,
      retainedPath: join(s.dir, 'retained-config.db'),
      start: (parts) => startGateway({ port: 0, log: s.log, ...parts, logger, clock }),
    });
    s.alerting = await createAlerting({ log: s.log, devices, stored: alertingConfigOf(store), storePath: join(s.dir, 'alerting.db'), clock, logger, tickIntervalMs: 3_600_000, synchronous: 'NORMAL' });
    s.alertingPeople = await followAlertingConfig({ source: store, log: s.log, service: s.alerting.runtime.service, groupId: 'oc.alerting.people', logger });
    const alertingSite = await followSite({ source: store, log: s.log, groupId: 'oc.alerting.config', logger, onChange: (view) => s.alerting.runtime.setDevices(view.devices().map(toDeviceContext)) });
    const apiSite = await followSite({ source: store, log: s.log, groupId: 'oc.api.config', logger });
    s.sites = [alertingSite, apiSite];
    s.admin = {
      store,
      devices: new DeviceAdmin(store),
      keys: new ProvisioningKeys(store, clock),
      applied: appliedEverywhere([s.gateway.config, alertingSite.following, s.alertingPeople, apiSite.following], logger),
    };
    s.api = await createApi({ alerting: s.alerting, site, devices, siteView: apiSite.view, users: storeUserDirectory(store, s.alerting.planner), admin: s.admin, clock, logger, dataDir: s.dir });
    return s;
  }

  get mqttUrl(): string {
    return `mqtt://127.0.0.1:${this.gateway.port}`;
  }

  async close(): Promise<void> {
    await this.gateway.close();
    await this.api.app.close();
    await this.alerting.runtime.close();
    for (const site of this.sites) await site.close();
    await this.alertingPeople.close();
    await this.booted.config.close();
    await this.log.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
