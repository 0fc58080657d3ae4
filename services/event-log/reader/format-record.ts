import type { DeadLetter } from '../../shared/dead-letter.ts';
import { LOG_TOPICS } from '../../shared/topics.ts';
import type { LogRecord } from '../port.ts';

/** How many bytes of a dead letter's raw payload a line shows; the record keeps more. */
const PAYLOAD_PREVIEW_BYTES = 160;

/**
 * One record as one line a person can read: position, time, key, then the value. A dead
 * letter shows its code, reason and the start of the raw payload it kept, decoded.
 */
export function formatRecord(r: LogRecord): string {
  const head = `${r.topic}/${r.partition}@${r.offset} ${new Date(r.timestamp).toISOString()} ${r.key ?? '-'}`;
  const text = r.value.toString('utf8');
  if (r.topic !== LOG_TOPICS.deadletter) return `${head} ${text}`;
  let letter: DeadLetter;
  try {
    letter = JSON.parse(text) as DeadLetter;
  } catch {
    return `${head} ${text}`;
  }
  const raw = Buffer.from(letter.payloadBase64 ?? '', 'base64');
  const preview = raw.subarray(0, PAYLOAD_PREVIEW_BYTES).toString('utf8');
  const more = letter.payloadBytes > PAYLOAD_PREVIEW_BYTES ? ` … (${letter.payloadBytes} bytes)` : '';
  const field = letter.field ? ` [${letter.field}]` : '';
  const writer = r.headers.source ? ` (dead-lettered by ${r.headers.source})` : '';
  return `${head} ${letter.code}${field}: ${letter.reason}${writer} | from ${letter.clientId ?? 'unknown'} on ${letter.topic} | ${JSON.stringify(preview)}${more}`;
}
