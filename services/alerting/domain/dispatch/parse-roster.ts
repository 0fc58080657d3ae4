/**
 * Raw config (from YAML or JSON) -> Roster, or OcError('OC_CONFIG_INVALID')
 * listing every problem with its key path. Pure: the file is read by ../../roster-file.ts.
 */
import { configError } from '../../../shared/config-error.ts';
import { findCoverageGaps, type CoverageGap } from './coverage.ts';
import { completeMatrix } from './roster-checks.ts';
import { rosterSchema, rosterSchemaAllowingGaps } from './roster-schema.ts';
import type { Roster } from './types.ts';

export function parseRoster(raw: unknown, source = 'roster'): Roster {
  const result = rosterSchema.safeParse(raw);
  if (!result.success) {
    throw configError(source, result.error.issues);
  }
  return { ...result.data, responsibilities: completeMatrix(result.data.responsibilities) };
}

/** A moment a 24h team has nobody on duty, as an edit's answer says it: a warning, not a refusal. */
export interface CoverageWarning {
  code: 'roster.coverage-gap';
  teamId: string;
  /** Epoch ms of the first uncovered instant in the rotation's cycle. */
  at: number;
  message: string;
}

/**
 * The same checks as parseRoster, except that a 24h team left uncovered is returned as a
 * warning: an admin taking a guard off the roster at short notice must be able to, and be told.
 */
export function parseRosterWarningGaps(raw: unknown, source = 'roster'): { roster: Roster; warnings: CoverageWarning[] } {
  const result = rosterSchemaAllowingGaps.safeParse(raw);
  if (!result.success) throw configError(source, result.error.issues);
  const roster: Roster = { ...result.data, responsibilities: completeMatrix(result.data.responsibilities) };
  return { roster, warnings: findCoverageGaps(roster).map(warningOf) };
}

const warningOf = (gap: CoverageGap): CoverageWarning => ({
  code: 'roster.coverage-gap',
  teamId: gap.teamId,
  at: gap.at,
  message: `team '${gap.teamId}' is 24h but nobody is on duty from ${gap.local}`,
});
