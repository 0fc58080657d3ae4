import type { PartitionerArgs, PartitionMetadata, RecordMetadata, TopicMessages } from 'kafkajs';
import type { ProduceRecord, RecordPosition } from '../port.ts';
import { toKafkaMessage } from './record-codec.ts';

export interface PlannedAppend {
  topic: string;
  records: readonly ProduceRecord[];
}

/** Where one record goes: its partition and its index among this request's records for that partition. */
interface Slot {
  topic: string;
  partition: number;
  index: number;
}

export interface ProducePlan {
  /** One entry per topic (kafkajs would merge duplicates anyway), records in call order. */
  topicMessages: TopicMessages[];
  /** slots[i][j]: where record j of append i goes. */
  slots: Slot[][];
}

export type Partitioner = (args: PartitionerArgs) => number;

/**
 * Chooses every record's partition BEFORE the request is sent, with kafkajs's default
 * (Java-compatible murmur2) partitioner, and pins it on the message. Only then can we
 * tell which offset belongs to which record: a produce response carries one base offset
 * per topic-partition, and the broker writes the records of one partition in the order
 * they appear in the request, so record k of partition p in this request is at base(p)+k.
 * Letting kafkajs choose would hide the choice for null keys (round-robin) from us.
 */
export function planProduce(
  appends: readonly PlannedAppend[],
  partitionsOf: (topic: string) => PartitionMetadata[],
  partitioner: Partitioner,
): ProducePlan {
  const byTopic = new Map<string, TopicMessages>();
  const counts = new Map<string, number>();
  const slots = appends.map(({ topic, records }) => {
    let entry = byTopic.get(topic);
    if (!entry) {
      entry = { topic, messages: [] };
      byTopic.set(topic, entry);
    }
    const partitionMetadata = partitionsOf(topic);
    return records.map((record): Slot => {
      const partition = partitioner({ topic, partitionMetadata, message: { key: record.key, value: record.value } });
      const countKey = `${partition}\u0000${topic}`;
      const index = counts.get(countKey) ?? 0;
      counts.set(countKey, index + 1);
      entry.messages.push(toKafkaMessage(record, partition));
      return { topic, partition, index };
    });
  });
  return { topicMessages: [...byTopic.values()], slots };
}

/** Turns the per-partition base offsets of a produce response into one position per record, per append. */
export function positionsFromResponse(plan: ProducePlan, response: readonly RecordMetadata[]): RecordPosition[][] {
  const baseOffsets = new Map<string, number>();
  for (const entry of response) {
    const raw = entry.baseOffset ?? entry.offset;
    const base = raw === undefined ? Number.NaN : Number(raw);
    if (entry.errorCode !== 0 || !Number.isSafeInteger(base) || base < 0) {
      throw new Error(`produce response for ${entry.topicName}/${entry.partition} has no usable offset (error ${entry.errorCode}, offset ${String(raw)})`);
    }
    baseOffsets.set(`${entry.partition}\u0000${entry.topicName}`, base);
  }
  return plan.slots.map((recordSlots) =>
    recordSlots.map(({ topic, partition, index }) => {
      const base = baseOffsets.get(`${partition}\u0000${topic}`);
      // Never guess: a record without an acknowledged offset must not be reported as written.
      if (base === undefined) throw new Error(`produce response lacks ${topic}/${partition}`);
      return { topic, partition, offset: base + index };
    }),
  );
}
