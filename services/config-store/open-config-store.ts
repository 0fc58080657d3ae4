import { OutgoingRelay } from '../alerting/outgoing-relay.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { SqliteConfigStore } from './sqlite-config-store.ts';

export interface OpenConfigStoreOptions {
  path: string;
  log: EventLog;
  clock: Clock;
  logger: Logger;
}

export interface RunningConfigStore {
  store: SqliteConfigStore;
  /** Publishes what is still queued, then closes the file. */
  close(): Promise<void>;
}

/**
 * The config store with its outbox relay: the same relay the alerting service and the
 * notifier use, so `oc.config` gets every change at least once, in commit order, even
 * after a crash between the commit and the append.
 */
export function openConfigStore(options: OpenConfigStoreOptions): RunningConfigStore {
  const store = SqliteConfigStore.open({ path: options.path, clock: options.clock });
  const relay = new OutgoingRelay(store, options.log, options.logger.child({ part: 'config-outbox' }));
  store.onCommit(() => relay.kick());
  // Changes committed just before a crash are still in the outbox: publish them now.
  relay.kick();
  let closed = false;
  return {
    store,
    close: async () => {
      if (closed) return;
      closed = true;
      await relay.close();
      store.close();
    },
  };
}
