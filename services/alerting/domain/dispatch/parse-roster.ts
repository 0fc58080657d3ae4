/**
 * Raw config (from YAML or JSON) -> Roster, or OcError('OC_CONFIG_INVALID')
 * listing every problem with its key path. Pure: the file is read by ../../roster-file.ts.
 */
import { configError } from '../../../shared/config-error.ts';
import { completeMatrix } from './roster-checks.ts';
import { rosterSchema } from './roster-schema.ts';
import type { Roster } from './types.ts';

export function parseRoster(raw: unknown, source = 'roster'): Roster {
  const result = rosterSchema.safeParse(raw);
  if (!result.success) {
    throw configError(source, result.error.issues);
  }
  return { ...result.data, responsibilities: completeMatrix(result.data.responsibilities) };
}

