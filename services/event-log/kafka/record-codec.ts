import type { KafkaMessage, Message } from 'kafkajs';
import type { LogRecord, ProduceRecord } from '../port.ts';

/** A port record as a kafkajs message bound for `partition` (chosen by us, see produce-positions.ts). */
export function toKafkaMessage(record: ProduceRecord, partition: number): Message {
  const message: Message = { key: record.key, value: record.value, partition };
  if (record.headers !== undefined) message.headers = { ...record.headers };
  // Absent: kafkajs stamps Date.now() (CreateTime), i.e. "the log's clock" of the port.
  if (record.timestamp !== undefined) message.timestamp = String(record.timestamp);
  return message;
}

/** A fetched kafkajs message as the port's LogRecord. */
export function toLogRecord(topic: string, partition: number, message: KafkaMessage): LogRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    key: message.key === null ? null : message.key.toString('utf8'),
    // Kafka keeps a null value apart from an empty one; the port has only Buffers.
    value: message.value ?? Buffer.alloc(0),
    headers: decodeHeaders(message.headers),
    timestamp: Number(message.timestamp),
  };
}

/** Header values arrive as Buffers; a repeated header (not produced by us) keeps its last value. */
function decodeHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw.at(-1) : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? value : value.toString('utf8');
  }
  return out;
}
