import { join } from 'node:path';
import { createAlerting, type Alerting } from '../../services/alerting/compose.ts';
import type { ReceiptReader } from '../../services/alerting/receipts/receipt-book.ts';
import type { Ticket, TimelineEntry } from '../../services/alerting/domain/tickets/types.ts';
import type { Api } from '../../services/api/app.ts';
import type { SessionPolicy } from '../../services/api/auth/session-policy.ts';
import type { PushDevices } from '../../services/api/routes/push-devices.ts';
import { createApi } from '../../services/api/compose.ts';
import type { ReportOptions } from '../../services/api/reports/compose-reports.ts';
import type { EventLog } from '../../services/event-log/port.ts';
import type { Clock } from '../../services/shared/clock.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import type { SiteConfig } from '../../services/site/schema.ts';

export interface AlertingStackOptions {
  log: EventLog;
  site: SiteConfig;
  devices: readonly PlacedDevice[];
  clock: Clock;
  /** The store (alerting.db) and the API's sessions (api.db) go here. */
  dir: string;
  /** How often SLA and offline timers are checked; tests on a manual clock tick it themselves. */
  tickIntervalMs: number;
  sessionPolicy?: SessionPolicy;
  /** The notifier's receipts, as npm start wires them; without them the ticket page has no deliveries to show. */
  receipts?: ReceiptReader;
  /** The notifier's push subscriptions, as npm start wires them (the phone page's "turn on notifications"). */
  pushDevices?: PushDevices;
  /** People's reports: retention, limits, the SMS port of tracking links. */
  reports?: ReportOptions;
}

/**
 * The alerting service over the given log and the API in front of it, as the test
 * harnesses run them: silent, SQLite with synchronous NORMAL, sign-in with the demo
 * users. The caller closes `api.app` and then `alerting.runtime`.
 */
export async function startAlertingStack(o: AlertingStackOptions): Promise<{ alerting: Alerting; api: Api }> {
  const alerting = await createAlerting({ log: o.log, devices: o.devices, storePath: join(o.dir, 'alerting.db'), clock: o.clock, logger: silentLogger(), tickIntervalMs: o.tickIntervalMs, synchronous: 'NORMAL' });
  const api = await createApi({ alerting, site: o.site, devices: o.devices, clock: o.clock, logger: silentLogger(), dataDir: o.dir, ...(o.sessionPolicy ? { sessionPolicy: o.sessionPolicy } : {}), ...(o.receipts ? { receipts: o.receipts } : {}), ...(o.pushDevices ? { pushDevices: o.pushDevices } : {}), ...(o.reports ? { reports: o.reports } : {}) });
  return { alerting, api };
}

/** Resolves with the first committed ticket change from now on that satisfies `check`. */
export function nextTicketChange(alerting: Alerting, check: (t: Ticket, entries: TimelineEntry[]) => boolean): Promise<Ticket> {
  const changes = alerting.runtime.service.changes;
  return new Promise((resolve) => {
    const listener = (t: Ticket, entries: TimelineEntry[]) => {
      if (!check(t, entries)) return;
      changes.off('ticket', listener);
      resolve(t);
    };
    changes.on('ticket', listener);
  });
}

/** Resolves once a committed ticket satisfies `check`: one already in the store, or the first change that does. */
export function committedTicket(alerting: Alerting, check: (t: Ticket) => boolean): Promise<Ticket> {
  const now = alerting.store.listTickets({ limit: 500 }).find(check);
  return now ? Promise.resolve(now) : nextTicketChange(alerting, (t) => check(t));
}
