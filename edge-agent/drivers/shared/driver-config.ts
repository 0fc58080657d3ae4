import { z } from 'zod';
import { configError } from '../../../services/shared/config-error.ts';

/** A whole number of milliseconds within bounds. */
export const durationMs = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Validates a driver's settings against its schema; a problem is reported as
 * OC_CONFIG_INVALID naming the key. `backoff` names the pair of keys that bound
 * the driver's retry pauses: the ceiling must not be below the start.
 */
export function parseDriverConfig<S extends z.ZodType<Record<string, unknown>>>(
  schema: S,
  raw: unknown,
  source: string,
  backoff: { initial: keyof z.output<S> & string; max: keyof z.output<S> & string },
): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw configError(source, parsed.error.issues);
  const config = parsed.data;
  const initial = config[backoff.initial] as number;
  const max = config[backoff.max] as number;
  if (max < initial) {
    throw configError(source, [{ code: 'custom', path: [backoff.max], message: `must not be below ${backoff.initial}`, input: max }]);
  }
  return config;
}
