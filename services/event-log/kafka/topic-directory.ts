import type { Admin, ITopicConfig, PartitionMetadata } from 'kafkajs';
import { systemClock, type Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { TopicSpec } from '../port.ts';
import { validateTopicSpec } from '../sqlite/validation.ts';

interface CachedTopic {
  partitions: PartitionMetadata[];
  fetchedAt: number;
}

/** Kafka's answer for a topic that does not exist (kafkajs error type). */
const UNKNOWN_TOPIC = 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * Which topics exist and how many partitions each has, looked up through the admin
 * client (which never auto-creates topics) and cached: append needs the partition list
 * to choose partitions itself (produce-positions.ts), and must answer "unknown topic"
 * rather than let kafkajs retry a produce to nowhere for half a minute.
 */
export class TopicDirectory {
  private readonly cache = new Map<string, CachedTopic>();
  /** Lookups in flight, shared by every caller asking for the same topic meanwhile. */
  private readonly lookups = new Map<string, Promise<PartitionMetadata[] | undefined>>();

  constructor(
    private readonly admin: Admin,
    private readonly logger: Logger,
    private readonly maxAgeMs: number,
    private readonly replicationFactor: number | undefined,
    /** For the cache's age only; the Kafka adapter passes none (the system clock). */
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The topic's partitions, or undefined if it does not exist. Unknown topics are not
   * cached: another process may create them at any time.
   */
  partitionsOf(topic: string): Promise<PartitionMetadata[] | undefined> {
    const cached = this.cache.get(topic);
    if (cached && this.clock.now() - cached.fetchedAt < this.maxAgeMs) return Promise.resolve(cached.partitions);
    let lookup = this.lookups.get(topic);
    if (!lookup) {
      lookup = this.lookUp(topic, cached).finally(() => this.lookups.delete(topic));
      this.lookups.set(topic, lookup);
    }
    return lookup;
  }

  /**
   * Creates the missing topics with the spec's partitions and retention and waits for
   * their leaders. Existing topics are left as they are, even with fewer partitions than
   * the spec: adding partitions moves keys to other partitions, which breaks per-device
   * order for records in flight, so it stays an operator's decision (kafka-topics.sh
   * --alter); we only warn. Safe to race with another process creating the same topics.
   */
  async ensure(specs: readonly TopicSpec[]): Promise<void> {
    for (const spec of specs) validateTopicSpec(spec);
    const wanted = new Map(specs.map((spec) => [spec.name, spec]));
    const existing = new Set(await this.admin.listTopics());
    const missing = [...wanted.values()].filter((spec) => !existing.has(spec.name));
    if (missing.length > 0) {
      // Resolves false (not an error) when another process created them first.
      await this.admin.createTopics({ topics: missing.map((spec) => this.topicConfig(spec)), waitForLeaders: true });
      this.logger.info({ topics: missing.map((spec) => spec.name) }, 'created event log topics');
    }
    for (const name of wanted.keys()) this.cache.delete(name);
    await Promise.all(
      [...wanted.values()]
        .filter((spec) => existing.has(spec.name) && spec.partitions !== undefined)
        .map(async (spec) => {
          const partitions = await this.partitionsOf(spec.name);
          if (partitions && partitions.length < spec.partitions!) {
            this.logger.warn(
              { topic: spec.name, partitions: partitions.length, wanted: spec.partitions },
              'topic exists with fewer partitions than its spec; left as is (adding partitions re-maps device keys)',
            );
          }
        }),
    );
  }

  private topicConfig(spec: TopicSpec): ITopicConfig {
    const config: ITopicConfig = {
      topic: spec.name,
      numPartitions: spec.partitions ?? 1,
      // The port: undefined keeps records for ever; Kafka's own default would be 7 days.
      configEntries: [{ name: 'retention.ms', value: String(spec.retentionMs ?? -1) }],
    };
    if (this.replicationFactor !== undefined) config.replicationFactor = this.replicationFactor;
    return config;
  }

  private async lookUp(topic: string, stale: CachedTopic | undefined): Promise<PartitionMetadata[] | undefined> {
    try {
      const { topics } = await this.admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = topics.find((t) => t.name === topic)?.partitions;
      if (!partitions || partitions.length === 0) return undefined;
      this.cache.set(topic, { partitions, fetchedAt: this.clock.now() });
      return partitions;
    } catch (err) {
      if ((err as { type?: string }).type === UNKNOWN_TOPIC) {
        this.cache.delete(topic);
        return undefined;
      }
      // A broker hiccup should not fail appends that could still be produced: the old
      // partition list is almost certainly still right, and the produce will tell.
      if (stale) {
        this.logger.warn({ err, topic }, 'topic metadata refresh failed; using the cached partitions');
        return stale.partitions;
      }
      throw err;
    }
  }
}
