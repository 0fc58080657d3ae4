import type { RetryOptions } from 'kafkajs';
import { OcError } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';

export interface KafkaEventLogOptions {
  /** Bootstrap brokers, "host:port". */
  brokers: string[];
  /** Names this process in broker logs and quotas (e.g. "oc-gateway"). */
  clientId: string;
  logger?: Logger;
  /**
   * Replication factor of topics that ensureTopics creates. Default: the broker's
   * default.replication.factor (1 on our single-node broker; a real cluster sets 3 there).
   */
  replicationFactor?: number;
  /** TCP connect timeout per broker (default 3000). */
  connectionTimeoutMs?: number;
  /** How long a request may wait for its response, including acks=all (default 30 000). */
  requestTimeoutMs?: number;
  /**
   * kafkajs retry policy for produce, admin and consumer requests. An append that still
   * fails after these retries is rejected with OC_LOG_APPEND_FAILED (default: kafkajs's,
   * 5 retries from 300 ms, about 15-30 s before an append gives up while Kafka is down).
   */
  retry?: RetryOptions;
  /** Upper bound on record bytes in one produce request, under the broker's message.max.bytes (default 512 KiB). */
  maxProduceBatchBytes?: number;
  /** How long partition counts are cached before they are looked up again (default 300 000, kafkajs's metadataMaxAge). */
  topicMetadataMaxAgeMs?: number;
  /** Consumer group tuning; defaults suit a LAN broker. */
  consumer?: KafkaConsumerTuning;
}

export interface KafkaConsumerTuning {
  /** The broker drops a member it has not heard from for this long (default 30 000). */
  sessionTimeoutMs?: number;
  /** Heartbeat period, also during a long handler call (default 3000). */
  heartbeatIntervalMs?: number;
  /** How long members get to finish their batch and rejoin in a rebalance (default 60 000). */
  rebalanceTimeoutMs?: number;
  /** Fetch long-poll; also the most close() waits for an idle consumer (default 1000). */
  maxWaitTimeMs?: number;
}

export interface ResolvedConsumerTuning {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxWaitTimeMs: number;
}

export const DEFAULT_MAX_PRODUCE_BATCH_BYTES = 512 * 1024;
export const DEFAULT_TOPIC_METADATA_MAX_AGE_MS = 300_000;

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) > 0;

export function validateKafkaOptions(options: KafkaEventLogOptions): void {
  if (!Array.isArray(options.brokers) || options.brokers.length === 0 || options.brokers.some((b) => typeof b !== 'string' || !/^[^:\s]+:\d+$/.test(b))) {
    throw new OcError('OC_CONFIG_INVALID', `kafka brokers must be a non-empty list of host:port, not ${JSON.stringify(options.brokers)}`);
  }
  if (typeof options.clientId !== 'string' || options.clientId === '') throw new OcError('OC_CONFIG_INVALID', 'kafka clientId must be a non-empty string');
  const numbers: Record<string, unknown> = {
    replicationFactor: options.replicationFactor,
    connectionTimeoutMs: options.connectionTimeoutMs,
    requestTimeoutMs: options.requestTimeoutMs,
    maxProduceBatchBytes: options.maxProduceBatchBytes,
    topicMetadataMaxAgeMs: options.topicMetadataMaxAgeMs,
    'consumer.sessionTimeoutMs': options.consumer?.sessionTimeoutMs,
    'consumer.heartbeatIntervalMs': options.consumer?.heartbeatIntervalMs,
    'consumer.rebalanceTimeoutMs': options.consumer?.rebalanceTimeoutMs,
    'consumer.maxWaitTimeMs': options.consumer?.maxWaitTimeMs,
  };
  for (const [name, value] of Object.entries(numbers)) {
    if (value !== undefined && !isPositiveInteger(value)) {
      throw new OcError('OC_CONFIG_INVALID', `kafka ${name} must be a positive integer, not ${String(value)}`);
    }
  }
}

export function resolveConsumerTuning(tuning: KafkaConsumerTuning = {}): ResolvedConsumerTuning {
  return {
    sessionTimeoutMs: tuning.sessionTimeoutMs ?? 30_000,
    heartbeatIntervalMs: tuning.heartbeatIntervalMs ?? 3_000,
    rebalanceTimeoutMs: tuning.rebalanceTimeoutMs ?? 60_000,
    maxWaitTimeMs: tuning.maxWaitTimeMs ?? 1_000,
  };
}
