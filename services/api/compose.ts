import { join } from 'node:path';
import type { Alerting } from '../alerting/compose.ts';
import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { SiteConfig } from '../site/schema.ts';
import type { SeriesContext } from '../telemetry/series-context.ts';
import { ActionLog } from './actions/action-log.ts';
import { buildApi, type Api } from './app.ts';
import { DEFAULT_SESSION_POLICY, type SessionPolicy } from './auth/session-policy.ts';
import { SessionStore } from './auth/session-store.ts';
import { SignInThrottle } from './auth/sign-in-throttle.ts';
import { loadUsers, REFERENCE_USERS_PATH, type UserDirectory } from './auth/users-file.ts';
import type { SiteView } from '../config-store/site-view.ts';
import type { AdminContext } from './admin-context.ts';
import type { ApiContext } from './api-context.ts';
import { openApiDb } from './store/api-db.ts';
import type { ReceiptReader } from '../alerting/receipts/receipt-book.ts';
import type { PushDevices } from './routes/push-devices.ts';
import { reportSetup, type ReportOptions } from './reports/compose-reports.ts';

export interface ApiSetup {
  alerting: Pick<Alerting, 'runtime' | 'store' | 'planner' | 'roster'>;
  site: SiteConfig;
  devices: readonly PlacedDevice[];
  clock: Clock;
  logger: Logger;
  /** Where `api.db` (sessions, action answers) lives. */
  dataDir: string;
  /** Default: the demo users of the reference site. */
  usersFile?: string | undefined;
  sessionPolicy?: SessionPolicy;
  secureCookie?: boolean;
  /** The time-series store for the desk's charts (issue 7); the series routes need it. */
  series?: SeriesContext;
  /** The process's log consumers (alerting, telemetry writer), reported by /api/health. */
  health?: ConsumerHealth | undefined;
  /** The notifier's delivery receipts for the ticket timeline (issue 15). */
  receipts?: ReceiptReader;
  /** Push subscriptions of the phone page (issue 15). */
  pushDevices?: PushDevices;
  /** People's reports (issue 16): retention of personal data, public limits, the SMS port. */
  reports?: ReportOptions;
  /** Who may sign in, from the config store; wins over `usersFile`. */
  users?: UserDirectory;
  /** The live site (issue 17): site and devices as `oc.config` leaves them, instead of `site` and `devices`. */
  siteView?: SiteView;
  /** The admin routes' parts (issue 17). */
  admin?: AdminContext;
}

/**
 * Config to adapters for the API; shared by `npm start`, `npm run alerting` and
 * the tests. Closing the app closes what this opened.
 */
export async function createApi(s: ApiSetup): Promise<Api> {
  const usersFile = s.usersFile ?? REFERENCE_USERS_PATH;
  const users = s.users ?? loadUsers(usersFile, s.alerting.roster);
  if (!s.users && usersFile === REFERENCE_USERS_PATH) {
    s.logger.warn({ usersFile }, 'signing in with the demo users of the reference site, whose passwords are in the README; set OC_USERS_FILE for real use');
  }
  const db = openApiDb(join(s.dataDir, 'api.db'));
  const reports = reportSetup(s.alerting.runtime.service, s.site, s.clock, s.logger, s.dataDir, s.reports);
  try {
    const ctx: ApiContext = {
      service: s.alerting.runtime.service,
      store: s.alerting.store,
      planner: s.alerting.planner,
      roster: s.alerting.roster,
      site: s.site,
      devices: s.devices,
      clock: s.clock,
      auth: {
        users,
        sessions: new SessionStore(db, s.clock, s.sessionPolicy ?? DEFAULT_SESSION_POLICY),
        throttle: new SignInThrottle(s.clock),
        secureCookie: s.secureCookie ?? false,
      },
      actions: new ActionLog(db, s.clock),
      series: s.series,
      health: s.health,
      receipts: s.receipts,
      pushDevices: s.pushDevices,
      reports: reports.setup,
      ...(s.admin ? { admin: s.admin } : {}),
    };
    // The roster as alerting runs it now: people, shifts and swaps edited by an admin show at once.
    Object.defineProperty(ctx, 'roster', { get: () => s.alerting.planner.roster });
    const live = s.siteView;
    // Routes read ctx.site and ctx.devices on every request: with a live site they read its current state.
    if (live) Object.defineProperties(ctx, { site: { get: () => live.site() }, devices: { get: () => live.devices() } });
    const api = await buildApi(ctx, s.logger);
    api.app.addHook('onClose', async () => void db.close());
    api.app.addHook('onClose', async () => reports.stop());
    return api;
  } catch (err) {
    reports.stop();
    db.close();
    throw err;
  }
}
