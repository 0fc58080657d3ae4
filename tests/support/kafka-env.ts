import { Kafka, logLevel, type Admin } from 'kafkajs';
import { pollUntil } from './poll-until.ts';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { KafkaEventLog, type KafkaEventLogOptions } from '../../services/event-log/kafka/kafka-event-log.ts';
import type { EventLogFixture } from './event-log-behaviour.ts';
import { uniqueName } from './event-log-collector.ts';
import { REPO_ROOT } from './mosquitto-env.ts';
import { missingServer, type ServerSetup } from './server-env.ts';

/**
 * What the Kafka suites should do: run against a broker, skip (a developer without
 * one), or fail. As for Mosquitto (mosquitto-env.ts): in CI a missing broker is a broken
 * pipeline, never a reason to skip, so .ci/run must export OC_KAFKA_BROKERS.
 */
export type KafkaSetup = ServerSetup<{ brokers: string[] }>;

export function kafkaSetup(env: NodeJS.ProcessEnv = process.env): KafkaSetup {
  const list = env.OC_KAFKA_BROKERS;
  if (!list) return missingServer(env, 'OC_KAFKA_BROKERS', 'infra/kafka/install.sh and start.sh, then OC_KAFKA_BROKERS=127.0.0.1:19092');
  const brokers = list.split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 || brokers.some((b) => !/^[^:\s]+:\d+$/.test(b))) {
    return { state: 'broken', reason: `OC_KAFKA_BROKERS must be host:port[,host:port...], got ${list}` };
  }
  return { state: 'ready', brokers };
}

/** A fixture for the behaviour suite: every log it opens is closed by cleanup; topics are unique per test. */
export function kafkaFixture(brokers: string[], extra: Partial<KafkaEventLogOptions> = {}): () => Promise<EventLogFixture> {
  return async () => {
    const opened: KafkaEventLog[] = [];
    const open = async (): Promise<KafkaEventLog> => {
      const log = await KafkaEventLog.connect({ brokers, clientId: uniqueName('oc-test'), ...extra });
      opened.push(log);
      return log;
    };
    return {
      log: await open(),
      // Kafka keeps the data: a new client on the same broker is what a restarted process sees.
      reopen: open,
      cleanup: async () => {
        await Promise.all(opened.map((log) => log.close()));
      },
    };
  };
}

const run = promisify(execFile);

/**
 * Stops and starts the broker through the scripts CI uses (data kept: a restart, not a
 * wipe). The port comes from the first broker address, so a non-default port is kept;
 * OC_KAFKA_STATE_DIR and OC_KAFKA_CONTROLLER_PORT pass through from the environment.
 */
export async function stopKafka(brokers: string[]): Promise<void> {
  await script('stop.sh', brokers);
}

export async function startKafka(brokers: string[]): Promise<void> {
  await script('start.sh', brokers);
}

async function script(name: string, brokers: string[]): Promise<void> {
  const path = resolve(REPO_ROOT, 'infra/kafka', name);
  const port = brokers[0]!.split(':').at(-1)!;
  try {
    await run('bash', [path], { env: { ...process.env, OC_KAFKA_PORT: port }, timeout: 120_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`infra/kafka/${name} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}

/**
 * Resolves once `groupId` has committed the end of every partition of `topics`: all it was
 * given is processed. With several partitions, seeing the last record of one partition
 * handled says nothing about the others, so tests that compare outcomes wait for this.
 * Polls the broker (the group is in another process) until `deadlineMs` passes.
 */
export async function groupCaughtUp(brokers: string[], groupId: string, topics: readonly string[], deadlineMs = 120_000): Promise<void> {
  const admin = new Kafka({ clientId: uniqueName('oc-test-lag'), brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await pollUntil(`group ${groupId} to catch up with ${topics.join(", ")}`, async () => (await groupLag(admin, groupId, topics)) === 0, {
      timeoutMs: deadlineMs,
      intervalMs: 250,
    });
  } finally {
    await admin.disconnect();
  }
}

async function groupLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<number> {
  let lag = 0;
  for (const { topic, partitions } of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    const committed = new Map(partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
      const at = committed.get(partition) ?? -1;
      lag += Number(high) - (at < 0 ? Number(low) : at);
    }
  }
  return lag;
}
