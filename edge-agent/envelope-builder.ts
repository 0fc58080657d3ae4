import { randomBytes } from 'node:crypto';
import { ENVELOPE_LIMITS, validateEnvelope, type DeviceKind, type Envelope } from '../services/shared/envelope.ts';
import { OcError } from '../services/shared/errors.ts';

export interface EnvelopeFields {
  deviceId: string;
  kind: DeviceKind;
  type: string;
  seq: number;
  /** Device time in epoch milliseconds. */
  timeMs: number;
  data: Record<string, unknown>;
}

/**
 * Event id: device, seq and 48 random bits. The seq alone would repeat if an
 * outbox file were lost and the counter restarted at 0, and consumers would then
 * drop real events as duplicates; the random part keeps ids unique across that.
 */
export const newEventId = (deviceId: string, seq: number): string =>
  `${deviceId}-${seq}-${randomBytes(6).toString('hex')}`;

/**
 * Builds the envelope and its payload, checked against the same schema the gateway
 * applies: a bad type name or oversized data fails here, at the driver that caused
 * it, instead of becoming a dead letter later. Throwing inside Outbox.enqueue's
 * build step rolls the seq back, so a rejected envelope leaves no gap.
 */
export function buildEnvelope(fields: EnvelopeFields): { envelope: Envelope; payload: Buffer } {
  const envelope: Envelope = {
    v: 1,
    id: newEventId(fields.deviceId, fields.seq),
    deviceId: fields.deviceId,
    kind: fields.kind,
    type: fields.type,
    ts: new Date(fields.timeMs).toISOString(),
    seq: fields.seq,
    data: fields.data,
  };
  validateEnvelope(envelope);
  const payload = Buffer.from(JSON.stringify(envelope), 'utf8');
  if (payload.length > ENVELOPE_LIMITS.maxBytes) {
    throw new OcError('OC_PAYLOAD_TOO_LARGE', `${payload.length} bytes > ${ENVELOPE_LIMITS.maxBytes}`, { type: fields.type });
  }
  return { envelope, payload };
}
