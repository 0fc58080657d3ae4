import { OcError } from '../../shared/errors.ts';
import type { ConsumerOptions, ProduceRecord, TopicSpec } from '../port.ts';

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

/** Options reach SQL as PRAGMA text, so they are checked against a closed list, not passed through. */
export function validateOpenOptions(options: {
  path: string;
  synchronous?: string;
  pollIntervalMs?: number;
  retentionSweepIntervalMs?: number;
  busyTimeoutMs?: number;
}): void {
  if (typeof options.path !== 'string' || options.path === '') {
    throw new OcError('OC_CONFIG_INVALID', 'event log path must be a file path or ":memory:"');
  }
  if (options.synchronous !== undefined && options.synchronous !== 'FULL' && options.synchronous !== 'NORMAL') {
    throw new OcError('OC_CONFIG_INVALID', `event log synchronous must be FULL or NORMAL, not ${String(options.synchronous)}`);
  }
  for (const name of ['pollIntervalMs', 'retentionSweepIntervalMs', 'busyTimeoutMs'] as const) {
    const value = options[name];
    if (value !== undefined && !isPositiveInteger(value)) {
      throw new OcError('OC_CONFIG_INVALID', `event log ${name} must be a positive integer, not ${String(value)}`);
    }
  }
}

export function validateTopicSpec(spec: TopicSpec): void {
  if (typeof spec.name !== 'string' || spec.name === '') throw new OcError('OC_CONFIG_INVALID', 'topic name must be a non-empty string');
  if (spec.partitions !== undefined && !isPositiveInteger(spec.partitions)) {
    throw new OcError('OC_CONFIG_INVALID', `topic ${spec.name}: partitions must be a positive integer`);
  }
  if (spec.retentionMs !== undefined && !isPositiveInteger(spec.retentionMs)) {
    throw new OcError('OC_CONFIG_INVALID', `topic ${spec.name}: retentionMs must be a positive integer`);
  }
}

export function validateConsumerOptions(options: ConsumerOptions): void {
  if (typeof options.groupId !== 'string' || options.groupId === '') {
    throw new OcError('OC_CONFIG_INVALID', 'consumer groupId must be a non-empty string');
  }
  if (options.topics.length === 0) throw new OcError('OC_CONFIG_INVALID', `consumer group ${options.groupId} subscribes to no topic`);
  if (options.maxBatchSize !== undefined && !isPositiveInteger(options.maxBatchSize)) {
    throw new OcError('OC_CONFIG_INVALID', `consumer group ${options.groupId}: maxBatchSize must be a positive integer`);
  }
}

/** Cheap shape checks for values the type system cannot vouch for (JSON-fed callers); undefined when fine. */
export function invalidRecordReason(record: ProduceRecord): string | undefined {
  const { key, value, timestamp } = record;
  if (key !== null && typeof key !== 'string') return 'key must be a string or null';
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return 'value must be a Buffer or a string';
  if (timestamp !== undefined && !Number.isSafeInteger(timestamp)) return 'timestamp must be integer milliseconds';
  return undefined;
}
