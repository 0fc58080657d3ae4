/**
 * Window arithmetic shared by both adapters, so that Flux and SQL agree to the
 * millisecond: windows are aligned to the epoch (as Flux's aggregateWindow aligns them),
 * and a range is widened to whole windows before either store is asked.
 */
import { OcError } from '../shared/errors.ts';
import { measurementSpec, tagsOf } from './measurements.ts';
import type { CountWindow, TagFilter, TimeRange, WindowedQuery } from './port.ts';

/** Fewer than a second per window or more windows than a chart can show are mistakes, not queries. */
const MIN_WINDOW_MS = 1_000;
const MAX_WINDOWS = 10_000;

export const windowStart = (t: number, everyMs: number): number => t - (((t % everyMs) + everyMs) % everyMs);

/** The range widened to whole windows: start floored, stop ceiled. */
export function alignRange(range: TimeRange, everyMs: number): TimeRange {
  const stop = windowStart(range.stop, everyMs);
  return { start: windowStart(range.start, everyMs), stop: stop === range.stop ? stop : stop + everyMs };
}

export const windowCount = (aligned: TimeRange, everyMs: number): number => (aligned.stop - aligned.start) / everyMs;

/** Checks a raw range; throws OC_TIMESERIES_QUERY_INVALID naming what is wrong. */
export function checkRange(range: TimeRange): void {
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.stop) || range.start < 0) {
    throw new OcError('OC_TIMESERIES_QUERY_INVALID', `range bounds must be integer milliseconds, got ${range.start}..${range.stop}`);
  }
  if (range.stop <= range.start) throw new OcError('OC_TIMESERIES_QUERY_INVALID', `range stop ${range.stop} is not after start ${range.start}`);
}

/** Checks a windowed query and returns its aligned range. */
export function alignedWindows(query: WindowedQuery): TimeRange {
  checkRange(query.range);
  if (!Number.isSafeInteger(query.everyMs) || query.everyMs < MIN_WINDOW_MS) {
    throw new OcError('OC_TIMESERIES_QUERY_INVALID', `everyMs must be an integer of at least ${MIN_WINDOW_MS}, got ${query.everyMs}`);
  }
  const aligned = alignRange(query.range, query.everyMs);
  if (windowCount(aligned, query.everyMs) > MAX_WINDOWS) {
    throw new OcError('OC_TIMESERIES_QUERY_INVALID', `${windowCount(aligned, query.everyMs)} windows asked for, at most ${MAX_WINDOWS}`);
  }
  return aligned;
}

/** Tag filters may only name the measurement's tags (they end up inside queries). */
export function checkTagFilter(measurement: string, tags: TagFilter | undefined): [string, string][] {
  const spec = measurementSpec(measurement);
  if (!spec) throw new OcError('OC_TIMESERIES_QUERY_INVALID', `unknown measurement ${JSON.stringify(measurement)}`);
  const known = new Set(tagsOf(spec));
  const entries = Object.entries(tags ?? {});
  for (const [key, value] of entries) {
    if (!known.has(key)) throw new OcError('OC_TIMESERIES_QUERY_INVALID', `${measurement} has no tag ${JSON.stringify(key)}`);
    if (typeof value !== 'string') throw new OcError('OC_TIMESERIES_QUERY_INVALID', `tag filter ${key} must be a string`);
  }
  return entries;
}

/** Every window of the aligned range, with the counts found and 0 elsewhere. */
export function denseCounts(aligned: TimeRange, everyMs: number, found: readonly CountWindow[]): CountWindow[] {
  const byTime = new Map(found.map((w) => [w.time, w.count]));
  const out: CountWindow[] = [];
  for (let t = aligned.start; t < aligned.stop; t += everyMs) out.push({ time: t, count: byTime.get(t) ?? 0 });
  return out;
}
