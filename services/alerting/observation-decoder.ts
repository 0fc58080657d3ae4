import type { LogRecord } from '../event-log/port.ts';
import { parseEnvelopeJson, validateEnvelope } from '../shared/envelope.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import type { Observation } from './domain/model.ts';

/**
 * Turns a log record into what the rules observe. `at` is when the platform
 * received it (the log's timestamp), the time the service's timers live in;
 * the device's own clock stays in the envelope's `ts` for rules that need it. Status records have no id of
 * their own, so their log position names them: stable across redeliveries,
 * which is all idempotency needs.
 */
export function decodeObservation(record: LogRecord): Observation {
  let body: unknown;
  try {
    // Bounded: a record from before the gateway refused poison (or from another writer) is refused here too.
    body = parseEnvelopeJson(record.value);
  } catch (err) {
    throw new OcError(isOcError(err) ? err.code : 'OC_ENVELOPE_MALFORMED_JSON', `${record.topic}@${record.offset}: ${(err as Error).message}`);
  }
  if (record.topic === LOG_TOPICS.status) {
    const s = body as { deviceId?: unknown; state?: unknown; source?: unknown; ts?: unknown };
    if (typeof s.deviceId !== 'string' || (s.state !== 'online' && s.state !== 'offline') || typeof s.ts !== 'string') {
      throw new OcError('OC_ENVELOPE_INVALID', `${record.topic}@${record.offset}: not a status record`);
    }
    return {
      kind: 'status',
      deviceId: s.deviceId,
      state: s.state,
      source: typeof s.source === 'string' ? s.source : 'unknown',
      eventId: `${record.topic}/${record.partition}/${record.offset}`,
      at: record.timestamp,
    };
  }
  const envelope = validateEnvelope(body);
  const channel = record.topic === LOG_TOPICS.events ? 'event' : 'telemetry';
  return { kind: 'envelope', channel, envelope, eventId: envelope.id, at: record.timestamp };
}
