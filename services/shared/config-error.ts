import type { z } from 'zod';
import { OcError } from './errors.ts';

/**
 * One way to report a config file that failed its schema: OC_CONFIG_INVALID with
 * every problem as `key.path: message`, and the keys in details for tools.
 */
export function configError(source: string, issues: readonly z.core.$ZodIssue[]): OcError {
  const named = issues.flatMap(namingUnknownKeys);
  return new OcError('OC_CONFIG_INVALID', `${source}: ${formatIssues(named)}`, { keys: named.map((i) => i.path.join('.')) });
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** zod reports an unknown key at its parent; a person wants `events.2.duration`, the key they typed. */
function namingUnknownKeys(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'unrecognized_keys') return [issue];
  return issue.keys.map((key) => ({ ...issue, path: [...issue.path, key], message: 'is not a known key' }));
}
