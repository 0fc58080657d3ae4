/**
 * The notifier as its own process follows the roster live (issue 17), like alerting does:
 * a config mirror of the stored roster, kept current from `oc.config` in the notifier's own
 * consumer group, hands each change to the planner the fan-out asks who is on duty. A change
 * the roster checks refuse is logged and the roster in force stays.
 */
import { effectiveRoster } from '../admin/stored-roster.ts';
import type { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import { ConfigMirror } from '../config-store/config-mirror.ts';
import { followIntoMirror, type ConfigFollowing } from '../config-store/config-follower.ts';
import type { ConfigEvent, ConfigStore } from '../config-store/port.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';

export const NOTIFIER_CONFIG_GROUP = 'oc.notifier.config';

/** Applies one roster change to the planner; a refused one leaves the previous roster in force. */
export function applyRosterChange(planner: Pick<DispatchPlanner, 'update'>, event: ConfigEvent, logger: Logger): void {
  // A deleted roster leaves nobody to notify: keep the last one rather than go silent.
  if (event.kind !== 'roster' || event.id !== 'roster' || event.value === null) return;
  try {
    const { roster, warnings } = effectiveRoster(event.value, 'roster');
    planner.update(roster);
    logger.info({ version: event.version, staff: roster.staff.length, warnings: warnings.map((w) => w.message) }, 'notifier took the new roster');
  } catch (err) {
    logger.error({ err, kind: event.kind, id: event.id, version: event.version }, 'a roster change could not be applied; the previous roster stays in force');
  }
}

/** Follows `oc.config` for the roster into the notifier's planner. */
export function followNotifierRoster(o: { source: Pick<ConfigStore, 'list'>; log: EventLog; planner: Pick<DispatchPlanner, 'update'>; logger: Logger; groupId?: string }): Promise<ConfigFollowing> {
  const mirror = ConfigMirror.fromStore(o.source, ['roster']);
  mirror.onChange((event) => applyRosterChange(o.planner, event, o.logger));
  return followIntoMirror(mirror, { log: o.log, groupId: o.groupId ?? NOTIFIER_CONFIG_GROUP, logger: o.logger });
}
