import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KafkaEventLog } from '../../services/event-log/kafka/kafka-event-log.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { uniqueName } from '../support/event-log-collector.ts';
import { groupCaughtUp, kafkaSetup } from '../support/kafka-env.ts';
import { children, exited, referenceTickets, running, SENTINELS, startAlertingProcess, ticketsIn, writeStream, type TicketMessage, whileRunning } from '../support/kill-restart.ts';
import { LogRecorder } from '../support/log-recorder.ts';

const setup = kafkaSetup();
if (setup.state === 'broken') throw new Error(setup.reason);
const brokers = setup.state === 'ready' ? setup.brokers : [];
let dir: string;
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(setup.state !== 'ready')('alerting process on Kafka killed mid-stream and restarted', () => {
  it('loses no ticket and duplicates none', { timeout: 180_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-kafka-kill-'));

    // The reference: the same stream, processed once without interruption.
    const expected = await referenceTickets(join(dir, 'reference'));

    // The run under test: an alerting process in its own consumer group on Kafka, starting at
    // the end of the topics so that earlier tests' records on this broker are not its business.
    const groupId = uniqueName('oc.alerting-kill');
    const env = { OC_EVENT_LOG: 'kafka', OC_KAFKA_BROKERS: brokers.join(','), OC_ALERTING_GROUP: groupId, OC_ALERTING_START: 'end', OC_LOG_LEVEL: 'info' };
    const log = await KafkaEventLog.connect({ brokers, clientId: uniqueName('oc-devices'), logger: silentLogger() });
    await log.ensureTopics(PLATFORM_TOPICS);
    const published = await LogRecorder.start(log, [LOG_TOPICS.tickets], uniqueName('oc-tickets'));
    const testStart = Date.now();
    const opened = () =>
      new Set(
        published
          .json<TicketMessage & { ticket?: { openedAt: number } }>(LOG_TOPICS.tickets)
          .filter((m) => m.kind === 'ticket.change' && m.ticket!.openedAt >= testStart)
          .map((m) => m.ticket!.fingerprint),
      );
    const first = startAlertingProcess(dir, env);
    await running(first);
    // The live process keeps up with the writer, so it is killed while the stream is still
    // being written: the rest of the stream arrives while it is down.
    const writing = writeStream(log);
    await whileRunning(first, published.until(() => opened().size >= 5));
    first.kill('SIGKILL');
    await exited(first);
    const atKill = opened();
    await writing;
    expect(SENTINELS.some((s) => atKill.has(s))).toBe(false);

    const second = startAlertingProcess(dir, env);
    await whileRunning(second, published.until(() => SENTINELS.every((s) => opened().has(s))));
    // The sentinels end two partitions; the other partitions' backlogs may still be in hand.
    await whileRunning(second, groupCaughtUp(brokers, groupId, [LOG_TOPICS.events, LOG_TOPICS.telemetry]));
    second.kill('SIGTERM');
    await exited(second);
    await published.close();
    await log.close();

    const actual = ticketsIn(join(dir, 'alerting.db'));
    expect([...actual].filter(([, n]) => n > 1)).toEqual([]);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    console.log(`kafka kill/restart: ${atKill.size} tickets before the kill, ${actual.size} after the restart, ${expected.size} in the uninterrupted run, 0 duplicates`);
  });
});
