/**
 * The time-series schema: every measurement, its tags and the type of each field
 * (services/telemetry/SCHEMA.md explains the choices). InfluxDB fixes a field's type at
 * its first write and then refuses the other type, so the types are decided here, once,
 * and both adapters check points against them before storing anything.
 */
import { OcError, type ErrorCode } from '../shared/errors.ts';
import type { FieldValue, Point } from './port.ts';

export type FieldType = 'float' | 'int' | 'bool' | 'string';

export interface FieldSpec {
  type: FieldType;
  required: boolean;
}

export interface MeasurementSpec {
  requiredTags: readonly string[];
  optionalTags: readonly string[];
  fields: Readonly<Record<string, FieldSpec>>;
}

/** Where a device sits (the site path), which device, what kind: on every point. */
const SITE_TAGS = ['community', 'compound', 'place', 'device', 'kind'] as const;
/** Only devices at a unit entrance have a building. */
const OPTIONAL_SITE_TAGS = ['building'] as const;

const req = (type: FieldType): FieldSpec => ({ type, required: true });
const opt = (type: FieldType): FieldSpec => ({ type, required: false });

/** Every point names the envelope it came from: its per-device counter and its id. */
const ORIGIN_FIELDS = { seq: req('int'), event_id: req('string') } as const;

export const MEASUREMENTS = {
  drain_level: {
    requiredTags: SITE_TAGS,
    optionalTags: OPTIONAL_SITE_TAGS,
    fields: {
      ...ORIGIN_FIELDS,
      level_mm: req('float'),
      distance_mm: opt('float'),
      depth_mm: opt('float'),
      battery_pct: opt('float'),
      rssi_dbm: opt('float'),
      overflow: opt('bool'),
    },
  },
  device_heartbeat: {
    requiredTags: SITE_TAGS,
    optionalTags: OPTIONAL_SITE_TAGS,
    fields: { ...ORIGIN_FIELDS, uptime_s: req('int'), pending: opt('int'), reconnects: opt('int') },
  },
  device_event: {
    requiredTags: [...SITE_TAGS, 'type'],
    optionalTags: OPTIONAL_SITE_TAGS,
    fields: { ...ORIGIN_FIELDS, data: req('string') },
  },
  device_telemetry: {
    requiredTags: [...SITE_TAGS, 'type'],
    optionalTags: OPTIONAL_SITE_TAGS,
    fields: { ...ORIGIN_FIELDS, data: req('string') },
  },
  /** One point per timeline entry of a ticket (oc.tickets): what happened to which kind of ticket, where. */
  ticket_change: {
    requiredTags: ['community', 'compound', 'category', 'priority', 'state', 'action', 'alert_type'],
    // A mass outage's ticket is about a compound, not one device or place.
    optionalTags: ['building', 'place', 'device'],
    fields: { ticket_id: req('string'), seq: req('int'), version: req('int'), age_s: req('int') },
  },
} as const satisfies Record<string, MeasurementSpec>;

export type MeasurementName = keyof typeof MEASUREMENTS;

export function measurementSpec(name: string): MeasurementSpec | undefined {
  return Object.hasOwn(MEASUREMENTS, name) ? (MEASUREMENTS as Record<string, MeasurementSpec>)[name] : undefined;
}

export const tagsOf = (spec: MeasurementSpec): string[] => [...spec.requiredTags, ...spec.optionalTags];

/** Every point of every batch is checked (twice: by the writer and by the adapter), so the sets are built once. */
const tagSets = new Map<MeasurementSpec, ReadonlySet<string>>();
function knownTags(spec: MeasurementSpec): ReadonlySet<string> {
  let known = tagSets.get(spec);
  if (!known) tagSets.set(spec, (known = new Set(tagsOf(spec))));
  return known;
}

/** What is wrong with a point, as a stable code, the field at fault and a sentence. */
export interface PointProblem {
  code: ErrorCode;
  field: string;
  reason: string;
}

/** Largest nanos: the rest of a millisecond. */
export const MAX_NANOS = 999_999;

/** Checks a point against the schema; undefined when it fits. */
export function pointProblem(point: Point): PointProblem | undefined {
  const spec = measurementSpec(point.measurement);
  if (!spec) return { code: 'OC_POINT_INVALID', field: 'measurement', reason: `unknown measurement ${JSON.stringify(point.measurement)}` };
  if (!Number.isSafeInteger(point.timeMs) || point.timeMs < 0) return { code: 'OC_POINT_INVALID', field: 'time', reason: `time ${point.timeMs} is not a non-negative integer of milliseconds` };
  if (!Number.isInteger(point.nanos) || point.nanos < 0 || point.nanos > MAX_NANOS) return { code: 'OC_POINT_INVALID', field: 'time', reason: `nanos ${point.nanos} is not within 0..${MAX_NANOS}` };
  for (const tag of spec.requiredTags) {
    const value = point.tags[tag];
    if (typeof value !== 'string' || value.length === 0) return { code: 'OC_POINT_MISSING_TAG', field: `tags.${tag}`, reason: `${point.measurement} needs tag ${tag}` };
  }
  const known = knownTags(spec);
  for (const [tag, value] of Object.entries(point.tags)) {
    if (!known.has(tag)) return { code: 'OC_POINT_INVALID', field: `tags.${tag}`, reason: `${point.measurement} has no tag ${tag}` };
    if (typeof value !== 'string' || value.length === 0) return { code: 'OC_POINT_MISSING_TAG', field: `tags.${tag}`, reason: `tag ${tag} must be a non-empty string` };
  }
  for (const [name, field] of Object.entries(spec.fields)) {
    if (field.required && !Object.hasOwn(point.fields, name)) return { code: 'OC_POINT_FIELD_TYPE', field: `fields.${name}`, reason: `${point.measurement} needs field ${name} (${field.type})` };
  }
  for (const [name, value] of Object.entries(point.fields)) {
    const field = spec.fields[name];
    if (!field) return { code: 'OC_POINT_INVALID', field: `fields.${name}`, reason: `${point.measurement} has no field ${name}` };
    if (!fitsType(value, field.type)) {
      return { code: 'OC_POINT_FIELD_TYPE', field: `fields.${name}`, reason: `field ${name} must be ${describeType(field.type)}, got ${JSON.stringify(value)}` };
    }
  }
  return undefined;
}

/** Throws OC_TIMESERIES_REJECTED for the first point that does not fit; adapters call it before storing anything. */
export function assertPointsFit(points: readonly Point[]): void {
  for (let i = 0; i < points.length; i++) {
    const problem = pointProblem(points[i]!);
    if (problem) throw new OcError('OC_TIMESERIES_REJECTED', `point ${i}: ${problem.reason}`, { index: i, field: problem.field, pointCode: problem.code });
  }
}

export function fitsType(value: FieldValue, type: FieldType): boolean {
  switch (type) {
    case 'float':
      return typeof value === 'number' && Number.isFinite(value);
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'bool':
      return typeof value === 'boolean';
    case 'string':
      // Flux results cannot tell an empty string from a missing field.
      return typeof value === 'string' && value.length > 0;
  }
}

export function describeType(type: FieldType): string {
  return { float: 'a finite number', int: 'an integer', bool: 'true or false', string: 'a non-empty string' }[type];
}

/** Orders points by time, then by measurement and tags: the order readPoints promises. */
export function comparePoints(a: Point, b: Point): number {
  return a.timeMs - b.timeMs || a.nanos - b.nanos || seriesKey(a).localeCompare(seriesKey(b));
}

/** Measurement and tags in one canonical string (tags sorted): names a series. */
export function seriesKey(point: Pick<Point, 'measurement' | 'tags'>): string {
  // JSON, not k=v joined by commas: tag values may contain any character.
  const tags = Object.keys(point.tags)
    .sort()
    .map((k) => [k, point.tags[k]]);
  return JSON.stringify([point.measurement, tags]);
}
