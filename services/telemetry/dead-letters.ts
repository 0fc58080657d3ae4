import type { LogRecord, ProduceRecord } from '../event-log/port.ts';
import { deadLetterRecord } from '../shared/dead-letter.ts';
import type { Refusal } from './envelope-to-point.ts';

/** Who wrote a dead letter, in its headers; the gateway's carry none. */
const DEAD_LETTER_SOURCE = 'telemetry-writer';

/**
 * A refused record as a dead letter in the gateway's format (one format for whoever reads
 * oc.deadletter): the reason, the field, the raw payload. Headers name the writer and the
 * record's log position, so the original can be found while the log still keeps it.
 */
export function deadLetterFor(record: LogRecord, refusal: Refusal): ProduceRecord {
  return {
    key: refusal.deviceId ?? record.key ?? 'unknown',
    value: deadLetterRecord({
      code: refusal.code,
      reason: refusal.reason,
      field: refusal.field,
      clientId: refusal.deviceId,
      topic: record.topic,
      payload: record.value,
      receivedAt: record.timestamp,
    }),
    headers: { source: DEAD_LETTER_SOURCE, position: `${record.topic}/${record.partition}/${record.offset}` },
  };
}
