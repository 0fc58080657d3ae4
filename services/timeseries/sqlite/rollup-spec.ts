/**
 * What the embedded store keeps beside its raw points, the way InfluxDB users keep
 * downsampled buckets beside a short-lived raw one: per series and fixed window ("tier"),
 * how many points, the newest of them, and count/sum/min/max of the numeric fields the
 * charts read. Sums and counts add up across windows, so a mean over any run of whole
 * windows is exact; so are min and max.
 *
 * Changing this file changes what new writes maintain, not what is stored: a field or
 * tier added here needs a migration (schema.ts) that fills it from the raw points still
 * there, or its first windows would be partial.
 */
import { OcError } from '../../shared/errors.ts';
import type { MeasurementName } from '../measurements.ts';
import type { Point } from '../port.ts';

export type TierName = '5m' | '1h';

export interface RollupTier {
  name: TierName;
  windowMs: number;
}

/** Finest first. Window sizes divide each other and the epoch-aligned query windows that use them. */
export const ROLLUP_TIERS: readonly RollupTier[] = [
  { name: '5m', windowMs: 5 * 60_000 },
  { name: '1h', windowMs: 60 * 60_000 },
];

export interface RollupSpec {
  /** Numeric fields with count, sum, min and max per window. */
  fields: readonly string[];
  /** Keep the fields of the window's newest point (the uptime query reads the last heartbeat). */
  keepLast: boolean;
}

/**
 * The measurements the windowed queries of the port read (drain level, uptime, event
 * counts), and only what they read: every field rolled up costs two more statements per
 * point written.
 */
const ROLLUPS: Readonly<Partial<Record<MeasurementName, RollupSpec>>> = {
  drain_level: { fields: ['level_mm'], keepLast: false },
  device_heartbeat: { fields: [], keepLast: true },
  device_event: { fields: [], keepLast: false },
};

export function rollupSpec(measurement: string): RollupSpec | undefined {
  return Object.hasOwn(ROLLUPS, measurement) ? ROLLUPS[measurement as MeasurementName] : undefined;
}

/**
 * Sums are kept in thousandths of the field's unit (micrometres for level_mm), as
 * integers: integer sums do not depend on the order they were added in, so a mean from
 * rollups is the very number the same mean from raw points gives. Both paths round each
 * value with this one SQL expression (ROUND is half away from zero; Math.round is not).
 */
const MILLI = 1_000;
export const milliSql = (value: string): string => `CAST(ROUND((${value}) * ${MILLI}) AS INTEGER)`;
export const meanFromMilli = (sumMilli: number, count: number): number => sumMilli / count / MILLI;

/**
 * The largest magnitude a rolled-up field may have: keeps thousandths and their sums
 * within exact integers (2^53) for millions of points. No drain is a kilometre deep.
 */
const MAX_ROLLED_UP_MAGNITUDE = 1e9;

/** Throws OC_TIMESERIES_REJECTED for the first point with a rolled-up field out of range (before anything is stored). */
export function assertRollupsFit(points: readonly Point[]): void {
  points.forEach((point, index) => {
    for (const field of rollupSpec(point.measurement)?.fields ?? []) {
      const value = point.fields[field];
      if (typeof value === 'number' && Math.abs(value) > MAX_ROLLED_UP_MAGNITUDE) {
        throw new OcError('OC_TIMESERIES_REJECTED', `point ${index}: field ${field} is ${value}; the embedded store keeps values within ±${MAX_ROLLED_UP_MAGNITUDE}`, {
          index,
          field: `fields.${field}`,
          pointCode: 'OC_POINT_INVALID',
        });
      }
    }
  });
}
