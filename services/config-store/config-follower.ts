import type { EventLog, LogConsumer } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { decodeConfigEvent } from './config-event.ts';
import type { ConfigMirror } from './config-mirror.ts';
import type { ConfigEvent, ConfigItem, ConfigKind } from './port.ts';

export interface FollowConfigOptions {
  log: EventLog;
  /** The service's own consumer group: each service applies every change. */
  groupId: string;
  /** Kinds this service cares about; the others are skipped. */
  kinds: readonly ConfigKind[];
  /** What the service loaded at start (from the store), so older events are not applied over it. */
  known?: readonly Pick<ConfigItem, 'kind' | 'id' | 'version'>[];
  /** Applies one change; may throw to have the batch handed out again. */
  apply(event: ConfigEvent): void | Promise<void>;
  logger: Logger;
}

export interface ConfigFollowing {
  /** The kinds this follower applies: a change of another kind is never waited for here. */
  readonly kinds: readonly ConfigKind[];
  /** The highest version applied (or known at start) of an item; 0 when none. */
  versionOf(kind: ConfigKind, id: string): number;
  /** Resolves once the item reached `version` here, or rejects after `timeoutMs`. */
  reached(kind: ConfigKind, id: string, version: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * How every service applies configuration live (issue 17): it reads `oc.config` in its
 * own consumer group and applies each change at most once per version, in commit order.
 * Replays (at-least-once delivery, a restart, a group reading from the beginning) are
 * skipped by the version check, so a service may start from a snapshot and follow on.
 */
export async function followConfig(options: FollowConfigOptions): Promise<ConfigFollowing> {
  const versions = new Map<string, number>();
  const waiters = new Set<{ key: string; version: number; resolve: () => void }>();
  const keyOf = (kind: string, id: string) => `${kind}:${id}`;
  for (const item of options.known ?? []) versions.set(keyOf(item.kind, item.id), item.version);
  const wanted = new Set<string>(options.kinds);

  const consumer: LogConsumer = await options.log.consume({ groupId: options.groupId, topics: [LOG_TOPICS.config], fromBeginning: true }, async (batch) => {
    for (const record of batch) {
      let event: ConfigEvent;
      try {
        event = decodeConfigEvent(record.value);
      } catch (err) {
        // A record this code cannot read cannot become readable by retrying: note it and move on.
        options.logger.warn({ err, offset: record.offset }, 'skipped an oc.config record');
        continue;
      }
      const key = keyOf(event.kind, event.id);
      if (!wanted.has(event.kind) || event.version <= (versions.get(key) ?? 0)) continue;
      await options.apply(event);
      versions.set(key, event.version);
      for (const w of waiters) {
        if (w.key === key && w.version <= event.version) {
          waiters.delete(w);
          w.resolve();
        }
      }
    }
  });

  let closing: Promise<void> | undefined;
  return {
    kinds: options.kinds,
    versionOf: (kind, id) => versions.get(keyOf(kind, id)) ?? 0,
    reached: (kind, id, version, timeoutMs = 5000) => {
      const key = keyOf(kind, id);
      if ((versions.get(key) ?? 0) >= version) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          key,
          version,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`${key} did not reach version ${version} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    close: () =>
      (closing ??= (async () => {
        await consumer.close();
        // Nobody will apply anything more here: let the waiters go rather than time out.
        for (const w of waiters) w.resolve();
        waiters.clear();
      })()),
  };
}

/**
 * Keeps a mirror current from `oc.config` in the service's own group. `settle` runs after
 * each applied change (the gateway waits for the config message it publishes), so
 * `reached` means "applied here", not only "read".
 */
export function followIntoMirror(
  mirror: ConfigMirror,
  options: { log: EventLog; groupId: string; logger: Logger; settle?: () => Promise<void> },
): Promise<ConfigFollowing> {
  return followConfig({
    log: options.log,
    groupId: options.groupId,
    kinds: mirror.kinds,
    known: mirror.known(),
    logger: options.logger,
    apply: async (event) => {
      mirror.apply(event);
      await options.settle?.();
    },
  });
}
