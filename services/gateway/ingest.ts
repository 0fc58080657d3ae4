import { parseEnvelope, type DeviceKind } from '../shared/envelope.ts';
import { OcError, isOcError, type ErrorCode } from '../shared/errors.ts';
import { LOG_TOPICS, type LogTopic } from '../shared/topics.ts';
import type { InboundChannel } from './acl.ts';

/** One publish that passed authentication and the ACL, on its way to the log. */
export interface InboundPublish {
  deviceId: string;
  kind: DeviceKind;
  channel: InboundChannel;
  payload: Buffer;
  receivedAt: number;
  /** Who published a status: the device itself, or the broker on its behalf (will). */
  source: 'device' | 'will';
}

export type IngestOutcome =
  | { accepted: true; logTopic: LogTopic; key: string; value: Buffer }
  | { accepted: false; code: ErrorCode; reason: string; field: string | undefined };

export interface IngestLimits {
  maxPayloadBytes: number;
}

/**
 * Decides where a publish goes, as a list of small named checks (in the spirit
 * of aedes' handlers); the first that objects sends it to the dead letters.
 * Valid envelopes are forwarded byte for byte: re-serialising would cost time
 * and could change what the device signed off on.
 */
export function classifyPublish(input: InboundPublish, limits: IngestLimits): IngestOutcome {
  try {
    checkPayloadSize(input, limits);
    if (input.channel === 'status') return acceptStatus(input);
    checkEnvelope(input);
    const logTopic = input.channel === 'event' ? LOG_TOPICS.events : LOG_TOPICS.telemetry;
    return { accepted: true, logTopic, key: input.deviceId, value: input.payload };
  } catch (err) {
    if (!isOcError(err)) throw err;
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return { accepted: false, code: err.code, reason: err.message, field };
  }
}

function checkPayloadSize(input: InboundPublish, limits: IngestLimits): void {
  if (input.payload.length > limits.maxPayloadBytes) {
    throw new OcError('OC_PAYLOAD_TOO_LARGE', `${input.payload.length} bytes, limit ${limits.maxPayloadBytes}`);
  }
}

function checkEnvelope(input: InboundPublish): void {
  const envelope = parseEnvelope(input.payload);
  if (envelope.deviceId !== input.deviceId) {
    throw new OcError('OC_ENVELOPE_DEVICE_MISMATCH', `envelope says ${envelope.deviceId}, topic says ${input.deviceId}`, { field: 'deviceId' });
  }
  if (envelope.kind !== input.kind) {
    throw new OcError('OC_ENVELOPE_KIND_MISMATCH', `envelope says ${envelope.kind}, device is a ${input.kind}`, { field: 'kind' });
  }
}

const STATUS_STATES = new Set(['online', 'offline']);

function acceptStatus(input: InboundPublish): IngestOutcome {
  const state = input.payload.toString('utf8').trim();
  if (!STATUS_STATES.has(state)) throw new OcError('OC_STATUS_INVALID', `got ${JSON.stringify(state.slice(0, 32))}`);
  return {
    accepted: true,
    logTopic: LOG_TOPICS.status,
    key: input.deviceId,
    value: statusRecord(input.deviceId, state as 'online' | 'offline', input.source, input.receivedAt),
  };
}

/** `disconnect` is a clean MQTT DISCONNECT; `connection-lost` a socket that closed without one (power or network cut). */
export type StatusSource = 'device' | 'will' | 'connect' | 'disconnect' | 'connection-lost' | 'keepalive-timeout' | 'gateway-shutdown';

/** The JSON value of an `oc.status` record. */
export function statusRecord(deviceId: string, state: 'online' | 'offline', source: StatusSource, at: number): Buffer {
  return Buffer.from(JSON.stringify({ deviceId, state, source, ts: new Date(at).toISOString() }));
}
