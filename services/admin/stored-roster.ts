/**
 * The roster as the config store keeps it: the roster file's shape, where a staff entry may
 * also say `disabled: true`. A disabled person stays in the stored roster (their name, their
 * history, an export that says they exist) but is not in the roster the services run on:
 * never on duty, never dispatched, never an escalation step.
 */
import { parseRosterWarningGaps, type CoverageWarning } from '../alerting/domain/dispatch/parse-roster.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import { OcError } from '../shared/errors.ts';

export interface StoredStaff {
  id: string;
  disabled?: boolean;
  [key: string]: unknown;
}

export interface StoredRoster {
  staff: StoredStaff[];
  [key: string]: unknown;
}

export const isStoredRoster = (raw: unknown): raw is StoredRoster =>
  typeof raw === 'object' && raw !== null && Array.isArray((raw as { staff?: unknown }).staff) && (raw as { staff: unknown[] }).staff.every((m) => typeof m === 'object' && m !== null && typeof (m as { id?: unknown }).id === 'string');

/** Without the disabled people and without the `disabled` key: what the roster parser reads. */
export function activeRosterRaw(stored: StoredRoster): StoredRoster {
  return {
    ...stored,
    staff: stored.staff.filter((m) => m.disabled !== true).map(({ disabled: _, ...m }) => m as StoredStaff),
  };
}

/**
 * The roster the services run on, from the stored one: every check of the roster file, except
 * that a 24h team left uncovered comes back as a warning. Paths in errors are those of the
 * active roster (staff indexes without the disabled); the messages name ids, which do not move.
 */
export function effectiveRoster(stored: unknown, source = 'roster'): { roster: Roster; warnings: CoverageWarning[] } {
  if (!isStoredRoster(stored)) throw new OcError('OC_CONFIG_INVALID', `${source}: staff: must be a list of people with ids`, { keys: ['staff'] });
  stored.staff.forEach((m, i) => {
    if (m.disabled !== undefined && typeof m.disabled !== 'boolean') throw new OcError('OC_CONFIG_INVALID', `${source}: staff.${i}.disabled: must be true or false`, { keys: [`staff.${i}.disabled`] });
  });
  return parseRosterWarningGaps(activeRosterRaw(stored), source);
}
