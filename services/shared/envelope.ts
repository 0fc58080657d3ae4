import { isUtf8 } from 'node:buffer';
import { parseBoundedJson } from './bounded-json.ts';
import { OcError } from './errors.ts';
import { isValidDeviceId } from './topics.ts';

/** The device kinds of DESIGN.md; every envelope names one. */
export const DEVICE_KINDS = ['door', 'camera', 'drain'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const ENVELOPE_VERSION = 1;

/** What every device publishes on `event` and `telemetry` (DESIGN.md "Envelope"). */
export interface Envelope<D extends Record<string, unknown> = Record<string, unknown>> {
  v: 1;
  /** Unique per device and event; consumers de-duplicate by it. */
  id: string;
  deviceId: string;
  kind: DeviceKind;
  /** Dotted lower-case name such as `door.forced-open` or `drain.level`. */
  type: string;
  /** Device time, ISO 8601 with zone. */
  ts: string;
  /** Per-device counter, gap-free, so consumers can count what was lost. */
  seq: number;
  data: D;
}

export const ENVELOPE_LIMITS = {
  idMaxLength: 128,
  typeMaxLength: 64,
  maxBytes: 64 * 1024,
} as const;

const TYPE_PATTERN = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;
// ISO 8601 date-time with seconds and an explicit zone; Date.parse alone accepts too much.
const ISO_TS_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const KNOWN_KEYS = new Set(['v', 'id', 'deviceId', 'kind', 'type', 'ts', 'seq', 'data']);

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Parses and checks an envelope. Throws OcError with a code and the offending
 * field, so the gateway can dead-letter with a reason a person can act on.
 */
export function parseEnvelope(payload: Buffer | string): Envelope {
  return validateEnvelope(parseEnvelopeJson(payload));
}

/**
 * The JSON of an envelope, read by the bounded parser: what no consumer could process (too
 * deep, too many items, too long strings, invalid UTF-8, lone surrogates, unsafe numbers,
 * `__proto__` keys) is refused while reading, before anything walks or stores it.
 */
export function parseEnvelopeJson(payload: Buffer | string): unknown {
  if (typeof payload !== 'string' && !isUtf8(payload)) throw new OcError('OC_ENVELOPE_MALFORMED_JSON', 'payload is not valid UTF-8');
  return parseBoundedJson(typeof payload === 'string' ? payload : payload.toString('utf8'));
}

export function validateEnvelope(raw: unknown): Envelope {
  if (!isPlainObject(raw)) throw invalid('(root)', 'must be a JSON object');
  if (raw.v !== ENVELOPE_VERSION) {
    throw new OcError('OC_ENVELOPE_VERSION', `v=${JSON.stringify(raw.v)}, expected ${ENVELOPE_VERSION}`, { field: 'v' });
  }
  const { id, deviceId, kind, type, ts, seq, data } = raw;
  if (typeof id !== 'string' || id.length === 0 || id.length > ENVELOPE_LIMITS.idMaxLength) {
    throw invalid('id', `must be a string of 1..${ENVELOPE_LIMITS.idMaxLength} characters`);
  }
  if (typeof deviceId !== 'string' || !isValidDeviceId(deviceId)) throw invalid('deviceId', 'must be a valid device id');
  if (typeof kind !== 'string' || !(DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw invalid('kind', `must be one of ${DEVICE_KINDS.join(', ')}`);
  }
  if (typeof type !== 'string' || type.length > ENVELOPE_LIMITS.typeMaxLength || !TYPE_PATTERN.test(type)) {
    throw invalid('type', 'must be a dotted lower-case name');
  }
  if (typeof ts !== 'string' || !ISO_TS_PATTERN.test(ts) || !isRealCalendarDate(ts)) {
    throw invalid('ts', 'must be an ISO 8601 date-time with a zone');
  }
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw invalid('seq', 'must be a non-negative integer');
  }
  if (!isPlainObject(data)) throw invalid('data', 'must be a JSON object');
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) throw invalid(key, 'is not an envelope field');
  }
  return { v: 1, id, deviceId, kind: kind as DeviceKind, type, ts, seq, data };
}

/** Date.parse rolls 2026-02-30 over to March; a device clock that says so is broken. */
function isRealCalendarDate(ts: string): boolean {
  if (Number.isNaN(Date.parse(ts))) return false;
  const [year, month, day] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
  const hour = Number(ts.slice(11, 13));
  const minute = Number(ts.slice(14, 16));
  const second = Number(ts.slice(17, 19));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59;
}

function invalid(field: string, problem: string): OcError {
  return new OcError('OC_ENVELOPE_INVALID', `${field} ${problem}`, { field });
}
