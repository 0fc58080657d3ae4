import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutgoingRelay } from '../../../services/alerting/outgoing-relay.ts';
import type { SilenceShape, TicketShape, TimelineShape } from '../../../services/alerting/store/alerting-store.ts';
import { SqliteAlertingStore } from '../../../services/alerting/store/sqlite-alerting-store.ts';
import type { EventLog } from '../../../services/event-log/port.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { LogRecorder } from '../../support/log-recorder.ts';

/**
 * The outbox relay between the alerting store and `oc.tickets`, over a real SQLite
 * log and store; only the log's failures are injected (the first appends reject).
 */
let dir: string;
let store: SqliteAlertingStore<TicketShape, TimelineShape, SilenceShape>;
let log: SqliteEventLog;
let recorder: LogRecorder;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-relay-'));
  store = SqliteAlertingStore.open({ path: join(dir, 'alerting.db') });
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
  recorder = await LogRecorder.start(log, [LOG_TOPICS.tickets]);
});
afterEach(async () => {
  await recorder.close();
  await log.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The real log, whose first `failures` appends reject as a broker outage would. */
function flaky(failures: number): EventLog & { failed: number } {
  const wrapper = Object.create(log) as EventLog & { failed: number };
  wrapper.failed = 0;
  wrapper.append = (topic, records) => {
    if (wrapper.failed < failures) {
      wrapper.failed += 1;
      return Promise.reject(new Error('broker unavailable'));
    }
    return log.append(topic, records);
  };
  return wrapper;
}

const queue = (...ns: number[]) => store.transaction((tx) => ns.forEach((n) => tx.publish(LOG_TOPICS.tickets, `T${n}`, { n })));
const published = () => recorder.json<{ n: number }>(LOG_TOPICS.tickets).map((m) => m.n);

describe('OutgoingRelay', () => {
  it('publishes queued ticket changes in order, retries a failing log with back-off, and drops nothing', async () => {
    const failing = flaky(2);
    const relay = new OutgoingRelay(store, failing, silentLogger());
    queue(1, 2);
    queue(3);
    relay.kick();
    await recorder.until(() => published().length >= 3);
    await relay.close();
    expect(failing.failed).toBe(2);
    expect(published()).toEqual([1, 2, 3]);
    expect(recorder.of(LOG_TOPICS.tickets).map((r) => r.key)).toEqual(['T1', 'T2', 'T3']);
    expect(store.pendingOutgoing(10)).toEqual([]);
  });

  it('close() publishes what is still queued, so a clean stop leaves nothing behind', async () => {
    const relay = new OutgoingRelay(store, log, silentLogger());
    queue(1);
    await relay.close();
    await recorder.until(() => published().length >= 1);
    expect(published()).toEqual([1]);
    expect(store.pendingOutgoing(10)).toEqual([]);
  });

  it('a log that stays down keeps the messages in the outbox for the next start', async () => {
    const relay = new OutgoingRelay(store, flaky(Number.POSITIVE_INFINITY), silentLogger());
    queue(1, 2);
    relay.kick();
    await relay.close();
    expect(store.pendingOutgoing(10).map((m) => JSON.parse(m.value.toString('utf8')) as { n: number })).toEqual([{ n: 1 }, { n: 2 }]);
    // The next start, with the log back, publishes them.
    const next = new OutgoingRelay(store, log, silentLogger());
    next.kick();
    await recorder.until(() => published().length >= 2);
    await next.close();
    expect(published()).toEqual([1, 2]);
  });
});
