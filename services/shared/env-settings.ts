import type { z } from 'zod';
import { OcError } from './errors.ts';

/**
 * Reads the variables a config module knows from `env` (an empty one counts as unset) and
 * checks them with its schema; a bad value is an OC_CONFIG_INVALID naming each key, with
 * secrets shown as "(hidden)" so a typo never prints a token.
 */
export function parseEnvSettings<S extends z.ZodType>(schema: S, keys: readonly string[], secretKeys: ReadonlySet<string>, env: NodeJS.ProcessEnv): z.infer<S> {
  const known = Object.fromEntries(keys.map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = schema.safeParse(known);
  if (parsed.success) return parsed.data;
  const shown = (key: string) => (secretKeys.has(key) && env[key] ? '(hidden)' : JSON.stringify(env[key]));
  const detail = parsed.error.issues.map((i) => `${i.path.join('.')}=${shown(String(i.path[0]))}: ${i.message}`).join('; ');
  throw new OcError('OC_CONFIG_INVALID', detail, { keys: parsed.error.issues.map((i) => i.path.join('.')) });
}
