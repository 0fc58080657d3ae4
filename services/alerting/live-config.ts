/**
 * The alerting service applies the roster, the rule settings and the SLA policy live
 * (issue 17): it keeps them in a config mirror that follows `oc.config` in its own consumer
 * group, the mechanism every service uses, and hands each change to the running service.
 * Who is dispatched next, which thresholds hold and which deadlines new tickets get change
 * without a restart; tickets already open keep theirs, and nothing fires twice.
 */
import { effectiveRoster } from '../admin/stored-roster.ts';
import { ConfigMirror } from '../config-store/config-mirror.ts';
import { followIntoMirror, type ConfigFollowing } from '../config-store/config-follower.ts';
import type { ConfigEvent, ConfigKind, ConfigStore } from '../config-store/port.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';
import type { AlertingService } from './alerting-service.ts';
import type { Roster } from './domain/dispatch/types.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import type { TicketPolicy } from './domain/tickets/types.ts';
import { parseRuleOverrides } from './rule-overrides-file.ts';
import { parseTicketPolicy } from './ticket-policy-file.ts';

export const ALERTING_CONFIG_GROUP = 'oc.alerting.config';
export const PEOPLE_AND_RULES_KINDS: readonly ConfigKind[] = ['roster', 'rules'];

/** What alerting runs on, read from the store at start. undefined parts: the store does not hold them (the files then). */
export interface StoredAlertingConfig {
  roster?: Roster;
  ruleOverrides?: RuleSettingsOverrides;
  policy?: TicketPolicy;
}

export function alertingConfigOf(source: Pick<ConfigStore, 'list'>): StoredAlertingConfig {
  const value = (kind: ConfigKind, id: string) => source.list(kind).find((i) => i.id === id)?.value;
  const roster = value('roster', 'roster');
  const rules = value('rules', 'rules');
  const tickets = value('rules', 'tickets');
  return {
    ...(roster !== undefined ? { roster: effectiveRoster(roster, 'stored roster').roster } : {}),
    ...(rules !== undefined ? { ruleOverrides: parseRuleOverrides(rules, 'stored rules') } : {}),
    ...(tickets !== undefined ? { policy: parseTicketPolicy(tickets, 'stored ticket policy') } : {}),
  };
}

/** One change, as the service takes it; the store validated it, so a failure here is logged, not fatal. */
export function applyAlertingChange(service: AlertingService, event: ConfigEvent, logger: Logger): void {
  if (event.value === null) return;
  try {
    if (event.kind === 'roster' && event.id === 'roster') {
      const { roster, warnings } = effectiveRoster(event.value, 'roster');
      service.reconfigure({ roster });
      logger.info({ version: event.version, staff: roster.staff.length, warnings: warnings.map((w) => w.message) }, 'alerting took the new roster');
    } else if (event.kind === 'rules' && event.id === 'rules') {
      service.reconfigure({ ruleOverrides: parseRuleOverrides(event.value, 'rules') });
      logger.info({ version: event.version }, 'alerting took the new rule settings');
    } else if (event.kind === 'rules' && event.id === 'tickets') {
      service.reconfigure({ policy: parseTicketPolicy(event.value, 'ticket policy') });
      logger.info({ version: event.version }, 'alerting took the new ticket policy');
    }
  } catch (err) {
    logger.error({ err, kind: event.kind, id: event.id, version: event.version }, 'a configuration change could not be applied; the previous one stays in force');
  }
}

/** Follows `oc.config` for the roster and the rules into the running service. */
export async function followAlertingConfig(o: { source: Pick<ConfigStore, 'list'>; log: EventLog; service: AlertingService; logger: Logger; groupId?: string }): Promise<ConfigFollowing> {
  const mirror = ConfigMirror.fromStore(o.source, PEOPLE_AND_RULES_KINDS);
  mirror.onChange((event) => applyAlertingChange(o.service, event, o.logger));
  return followIntoMirror(mirror, { log: o.log, groupId: o.groupId ?? ALERTING_CONFIG_GROUP, logger: o.logger });
}
