import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { ClockSkewLimits } from '../shared/clock-skew.ts';
import type { Logger } from '../shared/logger.ts';
import type { PlacedDevice } from '../site/devices.ts';
import { startAlerting, type AlertingRuntime } from './alerting-runtime.ts';
import type { TicketStore } from './alerting-service.ts';
import { toDeviceContext } from './device-context.ts';
import { DispatchPlanner } from './domain/dispatch/planner.ts';
import { loadRoster } from './roster-file.ts';
import type { Roster } from './domain/dispatch/types.ts';
import { loadRuleOverrides } from './rule-overrides-file.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import { loadTicketPolicy } from './ticket-policy-file.ts';
import { SqliteAlertingStore } from './store/sqlite-alerting-store.ts';

export interface AlertingSetup {
  log: EventLog;
  devices: readonly PlacedDevice[];
  storePath: string;
  rosterFile?: string | undefined;
  rulesFile?: string | undefined;
  /** Overrides already read (and checked against the whole site); they win over `rulesFile`. */
  ruleOverrides?: RuleSettingsOverrides | undefined;
  /** SLA and escalation timings; default: the reference site's. */
  ticketPolicyFile?: string | undefined;
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
}

export interface Alerting {
  runtime: AlertingRuntime;
  store: TicketStore;
  planner: DispatchPlanner;
  roster: Roster;
}

/** Config to adapters for the alerting service; shared by `npm start`, `npm run alerting` and the tests. */
export async function createAlerting(s: AlertingSetup): Promise<Alerting> {
  const roster = loadRoster(s.rosterFile);
  const planner = new DispatchPlanner(roster);
  const store: TicketStore = SqliteAlertingStore.open({ path: s.storePath, synchronous: s.synchronous ?? 'FULL' });
  const runtime = await startAlerting({
    log: s.log,
    store,
    devices: s.devices.map(toDeviceContext),
    planner,
    policy: loadTicketPolicy(s.ticketPolicyFile),
    ruleOverrides: s.ruleOverrides ?? loadRuleOverrides(s.rulesFile),
    clock: s.clock,
    logger: s.logger,
    tickIntervalMs: s.tickIntervalMs,
    groupId: s.groupId,
    startAt: s.startAt,
    health: s.health,
    clockSkew: s.clockSkew,
    ...(s.watchClock ? { watchClock: s.watchClock } : {}),
  });
  return { runtime, store, planner, roster };
}
