import type { Admin, Consumer } from 'kafkajs';
import type { Logger } from '../../shared/logger.ts';

export interface PartitionStart {
  topic: string;
  partition: number;
  /** Next offset to read, as kafkajs wants it (a string). */
  offset: string;
}

/**
 * For "fromBeginning: false": the current end of every partition the group has no
 * committed offset for, read when consume() is called. kafkajs alone would take "latest"
 * at its first fetch, some time after consume() resolved, and never commit it, so records
 * appended in between, or before the group's first commit and a restart, would be
 * skipped. The embedded log pins a new group's start the same way.
 */
export async function uncommittedEnds(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionStart[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const starts: PartitionStart[] = [];
  for (const { topic, partitions } of committed) {
    const fresh = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
    if (fresh.size === 0) continue;
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) {
      if (fresh.has(partition)) starts.push({ topic, partition, offset: high });
    }
  }
  return starts;
}

/**
 * Commits and seeks the pinned starts of the partitions this member was assigned (the
 * others belong to members that pin their own). Seeking too matters: if kafkajs already
 * fetched from a later "latest", the seek moves it back, so at worst a record is handed
 * out twice, never skipped.
 */
export async function pinStarts(
  consumer: Consumer,
  starts: readonly PartitionStart[],
  assignment: Readonly<Record<string, number[]>>,
  logger: Logger,
): Promise<void> {
  const mine = starts.filter(({ topic, partition }) => assignment[topic]?.includes(partition));
  if (mine.length === 0) return;
  try {
    await consumer.commitOffsets(mine);
    for (const start of mine) consumer.seek(start);
  } catch (err) {
    // Not fatal: kafkajs still starts these partitions at "latest", only a little later.
    logger.warn({ err, starts: mine }, 'could not pin the new group start; kafkajs resolves "latest" itself');
  }
}
