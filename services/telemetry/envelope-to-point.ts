/**
 * From a log record to a point, as SCHEMA.md describes: which measurement, which tags,
 * which fields of `data` with which types. Pure: no I/O, no clock. A record that cannot
 * become a good point says why, for the dead-letter topic.
 */
import type { LogRecord } from '../event-log/port.ts';
import { parseEnvelope, type Envelope } from '../shared/envelope.ts';
import { isOcError, type ErrorCode } from '../shared/errors.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { describeType, fitsType, measurementSpec, pointProblem, type MeasurementName } from '../timeseries/measurements.ts';
import type { FieldValue, Point } from '../timeseries/port.ts';
import type { SiteTags } from './site-tags.ts';
import { clockSkewOf, DEFAULT_CLOCK_SKEW, type ClockSkewLimits } from '../shared/clock-skew.ts';

export interface Refusal {
  code: ErrorCode;
  reason: string;
  /** The envelope field at fault, e.g. `data.levelMm`. */
  field: string | undefined;
  deviceId: string | undefined;
}

export type Mapped = { ok: true; point: Point } | { ok: false; refusal: Refusal };

/** A field of `data` copied into a point: its name there, its name here (type and whether required: measurements.ts). */
interface DataField {
  from: string;
  to: string;
}

interface TypedMapping {
  measurement: MeasurementName;
  fields: readonly DataField[];
}

/** Telemetry types with a measurement of their own; any other telemetry goes to device_telemetry. */
const TELEMETRY_MAPPINGS: Readonly<Record<string, TypedMapping>> = {
  'drain.level': {
    measurement: 'drain_level',
    fields: [
      { from: 'levelMm', to: 'level_mm' },
      { from: 'distanceMm', to: 'distance_mm' },
      { from: 'depthMm', to: 'depth_mm' },
      { from: 'batteryPct', to: 'battery_pct' },
      { from: 'rssiDbm', to: 'rssi_dbm' },
      { from: 'overflow', to: 'overflow' },
    ],
  },
  'agent.heartbeat': {
    measurement: 'device_heartbeat',
    fields: [
      { from: 'uptimeS', to: 'uptime_s' },
      { from: 'pending', to: 'pending' },
      { from: 'reconnects', to: 'reconnects' },
    ],
  },
};

const SEQ_NANOS = 1_000_000;

export function recordToPoint(record: LogRecord, siteTags: ReadonlyMap<string, SiteTags>, clockSkew: ClockSkewLimits = DEFAULT_CLOCK_SKEW): Mapped {
  let envelope: Envelope;
  try {
    envelope = parseEnvelope(record.value);
  } catch (err) {
    if (!isOcError(err)) throw err;
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return refuse(err.code, err.message, field, record.key ?? undefined);
  }
  const deviceId = envelope.deviceId;
  const site = siteTags.get(deviceId);
  if (!site) {
    return refuse('OC_POINT_MISSING_TAG', `device ${deviceId} is not in the site, so its point would have no site path (community, compound, place)`, 'deviceId', deviceId);
  }
  // A device clock far off (2036, 9999-12-31) would put the point where no chart looks: the
  // gateway's receive time (the log's timestamp) stands in for it (SCHEMA.md "Time").
  const deviceTimeMs = Date.parse(envelope.ts);
  const base = {
    timeMs: clockSkewOf(deviceTimeMs, record.timestamp, clockSkew) === undefined ? deviceTimeMs : record.timestamp,
    // Device time has milliseconds; seq keeps two readings of one millisecond apart (SCHEMA.md "Time").
    nanos: envelope.seq % SEQ_NANOS,
  };
  const origin = { seq: envelope.seq, event_id: envelope.id };
  const typed = record.topic === LOG_TOPICS.telemetry ? TELEMETRY_MAPPINGS[envelope.type] : undefined;
  let point: Point;
  if (typed) {
    const fields: Record<string, FieldValue> = { ...origin };
    const specFields = measurementSpec(typed.measurement)!.fields;
    for (const f of typed.fields) {
      const { type, required } = specFields[f.to]!;
      const value = envelope.data[f.from];
      if (value === undefined || value === null) {
        if (required) return refuse('OC_POINT_FIELD_TYPE', `${envelope.type}: data.${f.from} is required (${describeType(type)})`, `data.${f.from}`, deviceId);
        continue;
      }
      if (!fitsType(value as FieldValue, type)) {
        return refuse('OC_POINT_FIELD_TYPE', `${envelope.type}: data.${f.from} must be ${describeType(type)}, got ${JSON.stringify(value)}`, `data.${f.from}`, deviceId);
      }
      fields[f.to] = value as FieldValue;
    }
    point = { measurement: typed.measurement, tags: site, fields, ...base };
  } else {
    const measurement = record.topic === LOG_TOPICS.events ? 'device_event' : 'device_telemetry';
    point = { measurement, tags: { ...site, type: envelope.type }, fields: { ...origin, data: JSON.stringify(envelope.data) }, ...base };
  }
  // The mapping above is written to fit the schema; this catches what it did not foresee.
  const problem = pointProblem(point);
  return problem ? refuse(problem.code, problem.reason, problem.field, deviceId) : { ok: true, point };
}

function refuse(code: ErrorCode, reason: string, field: string | undefined, deviceId: string | undefined): Mapped {
  return { ok: false, refusal: { code, reason, field, deviceId } };
}
