import type { AlertingService, TicketStore } from '../alerting/alerting-service.ts';
import type { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { Clock } from '../shared/clock.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { SiteConfig } from '../site/schema.ts';
import type { SeriesContext } from '../telemetry/series-context.ts';
import type { ActionLog } from './actions/action-log.ts';
import type { AuthSetup } from './auth/request-auth.ts';
import type { ReceiptReader } from '../alerting/receipts/receipt-book.ts';
import type { PushDevices } from './routes/push-devices.ts';
import type { ReportSetup } from './reports/setup.ts';
import type { AdminContext } from './admin-context.ts';

/** What the routes need; the composition root (services/api/compose.ts) builds it. */
export interface ApiContext {
  service: AlertingService;
  store: TicketStore;
  planner: DispatchPlanner;
  roster: Roster;
  site: SiteConfig;
  devices: readonly PlacedDevice[];
  clock: Clock;
  /** Users, sessions and the sign-in throttle. */
  auth: AuthSetup;
  /** Answers to ticket actions by action id, for retries. */
  actions: ActionLog;
  /** The time-series store for the desk's charts; without it the series routes are not there. */
  series?: SeriesContext;
  /** The process's log consumers, for /api/health to say when one is stuck. */
  health?: ConsumerHealth | undefined;
  /** Delivery receipts of the notifier (from oc.notifications); without them the delivery routes are not there. */
  receipts?: ReceiptReader;
  /** The notifier's push subscriptions; without them the push routes are not there. */
  pushDevices?: PushDevices;
  /** People's reports: desk-logged calls and residents' QR reports (issue 16). */
  reports?: ReportSetup;
  /** Configuration from the API (issue 17): devices, provisioning keys, the audit; the admin routes need it. */
  admin?: AdminContext;
}
