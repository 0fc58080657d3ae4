import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { ClockSkewLimits } from '../shared/clock-skew.ts';
import type { Logger } from '../shared/logger.ts';
import type { PlacedDevice } from '../site/devices.ts';
import { startAlerting, type AlertingRuntime } from './alerting-runtime.ts';
import type { TicketStore } from './alerting-service.ts';
import { toDeviceContext } from './device-context.ts';
import type { StoredAlertingConfig } from './live-config.ts';
import { DispatchPlanner } from './domain/dispatch/planner.ts';
import { loadRoster } from './roster-file.ts';
import type { Roster } from './domain/dispatch/types.ts';
import { loadRuleOverrides } from './rule-overrides-file.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import { loadTicketPolicy } from './ticket-policy-file.ts';
import type { AlertRetention } from './store/alert-retention.ts';
import { SqliteAlertingStore } from './store/sqlite-alerting-store.ts';
import type { Silence } from './domain/silences.ts';
import type { Ticket, TimelineEntry } from './domain/tickets/types.ts';

export interface AlertingSetup {
  log: EventLog;
  devices: readonly PlacedDevice[];
  storePath: string;
  rosterFile?: string | undefined;
  rulesFile?: string | undefined;
  /** The roster and rule settings themselves (from the config store, already checked against the whole site); they win over the files. */
  roster?: Roster;
  ruleOverrides?: RuleSettingsOverrides | undefined;
  /** SLA and escalation timings; default: the reference site's. */
  ticketPolicyFile?: string | undefined;
  /** The roster, rules and policy from the config store (issue 17); each part given replaces its file. */
  stored?: StoredAlertingConfig | undefined;
  clock: Clock;
  logger: Logger;
  tickIntervalMs?: number;
  synchronous?: 'FULL' | 'NORMAL';
  /** Consumer group; instances sharing it share the partitions. */
  groupId?: string;
  startAt?: 'beginning' | 'end';
  /** The process's consumer registry (stuck consumers: monitor line, /health, IoT ticket). */
  health?: ConsumerHealth | undefined;
  clockSkew?: ClockSkewLimits | undefined;
  /** The clock a stuck consumer is measured on; the service clock by default (tests pin that one). */
  watchClock?: Clock;
  /** Resolved alerts older than this many days are deleted (OC_ALERT_RETENTION_DAYS); default 30. */
  alertRetentionDays?: number;
  /** How often that sweep runs (default hourly). */
  alertSweepEveryMs?: number;
}

/** How long a resolved alert is kept: a month of evidence for the desk's reviews. */
export const DEFAULT_ALERT_RETENTION_DAYS = 30;

export interface Alerting {
  runtime: AlertingRuntime;
  /** Deletes resolved alerts past their retention, hourly; `sweep()` runs a pass now. */
  alertRetention: AlertRetention;
  store: TicketStore;
  planner: DispatchPlanner;
  roster: Roster;
}

/** Config to adapters for the alerting service; shared by `npm start`, `npm run alerting` and the tests. */
export async function createAlerting(s: AlertingSetup): Promise<Alerting> {
  const roster = s.stored?.roster ?? s.roster ?? loadRoster(s.rosterFile);
  const planner = new DispatchPlanner(roster);
  const sqlite: SqliteAlertingStore<Ticket, TimelineEntry, Silence> = SqliteAlertingStore.open({ path: s.storePath, synchronous: s.synchronous ?? 'FULL' });
  const store: TicketStore = sqlite;
  const retention = sqlite.alertRetention(s.clock, s.alertRetentionDays ?? DEFAULT_ALERT_RETENTION_DAYS, s.logger, s.alertSweepEveryMs ?? 3_600_000);
  const runtime = await startAlerting({
    log: s.log,
    store,
    devices: s.devices.map(toDeviceContext),
    planner,
    policy: s.stored?.policy ?? loadTicketPolicy(s.ticketPolicyFile),
    ruleOverrides: s.stored?.ruleOverrides ?? s.ruleOverrides ?? loadRuleOverrides(s.rulesFile),
    clock: s.clock,
    logger: s.logger,
    tickIntervalMs: s.tickIntervalMs,
    groupId: s.groupId,
    startAt: s.startAt,
    health: s.health,
    clockSkew: s.clockSkew,
    ...(s.watchClock ? { watchClock: s.watchClock } : {}),
  });
  // The sweep writes to the store, so it stops before the runtime closes the store.
  const close = runtime.close;
  return { runtime: { ...runtime, close: () => retention.stop().then(close) }, store, planner, roster, alertRetention: retention };
}
