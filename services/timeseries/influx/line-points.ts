/** Between the port's points and the InfluxDB client's: line protocol out, Flux rows in. */
import { Point as LinePoint } from '@influxdata/influxdb-client';
import { measurementSpec, MAX_NANOS, tagsOf } from '../measurements.ts';
import type { FieldValue, Point } from '../port.ts';

/** Nanosecond timestamp as the decimal string line protocol wants (beyond 2^53, so never a number). */
export const nanosecondStamp = (p: Pick<Point, 'timeMs' | 'nanos'>): string => `${p.timeMs}${String(p.nanos).padStart(6, '0')}`;

/** A checked point (assertPointsFit ran) as a line-protocol point, each field with its schema type. */
export function toLinePoint(p: Point): LinePoint {
  const spec = measurementSpec(p.measurement)!;
  const line = new LinePoint(p.measurement);
  for (const [tag, value] of Object.entries(p.tags)) line.tag(tag, value);
  for (const [name, value] of Object.entries(p.fields)) {
    switch (spec.fields[name]!.type) {
      case 'float':
        line.floatField(name, value);
        break;
      case 'int':
        line.intField(name, value);
        break;
      case 'bool':
        line.booleanField(name, value);
        break;
      case 'string':
        line.stringField(name, value);
        break;
    }
  }
  return line.timestamp(nanosecondStamp(p));
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** Flux's RFC3339Nano `_time` back into milliseconds and the nanoseconds within. */
export function parseFluxTime(text: string): { timeMs: number; nanos: number } {
  const m = RFC3339.exec(text);
  if (!m) throw new RangeError(`not an RFC3339 UTC time: ${text}`);
  const fraction = (m[2] ?? '').padEnd(9, '0');
  const timeMs = Date.parse(`${m[1]}.${fraction.slice(0, 3)}Z`);
  const nanos = Number(fraction.slice(3));
  if (!Number.isFinite(timeMs) || nanos > MAX_NANOS) throw new RangeError(`not an RFC3339 UTC time: ${text}`);
  return { timeMs, nanos };
}

/** A pivoted Flux row (one column per field) as a port point; absent fields are null or missing there. */
export function pointFromRow(row: Record<string, unknown>): Point {
  const measurement = String(row._measurement);
  const spec = measurementSpec(measurement);
  if (!spec) throw new RangeError(`unknown measurement in the bucket: ${measurement}`);
  const tags: Record<string, string> = {};
  for (const tag of tagsOf(spec)) {
    const value = row[tag];
    if (typeof value === 'string' && value.length > 0) tags[tag] = value;
  }
  const fields: Record<string, FieldValue> = {};
  for (const name of Object.keys(spec.fields)) {
    const value = row[name];
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'string') fields[name] = value;
  }
  return { measurement, tags, fields, ...parseFluxTime(String(row._time)) };
}
