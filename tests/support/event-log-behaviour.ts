import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventLog, ProduceRecord, RecordPosition } from '../../services/event-log/port.ts';
import { gate, offsetsOf, readRecords, startCollector, uniqueName, valuesOf } from './event-log-collector.ts';

export interface EventLogFixture {
  log: EventLog;
  /**
   * Opens a new log over the same storage, as a restarted process would. The suite closes
   * `log` before calling it. Omit for adapters without durable storage; restart tests then skip.
   */
  reopen?: () => Promise<EventLog>;
  /** Closes every log the fixture opened and removes its storage. */
  cleanup: () => Promise<void>;
}

const text = (value: string, key: string | null = null): ProduceRecord => ({ key, value });
const texts = (prefix: string, count: number): ProduceRecord[] =>
  Array.from({ length: count }, (_, i) => text(`${prefix}-${i}`, `device-${i % 3}`));

/**
 * What every EventLog adapter must do, whatever it stores records in. Each test makes its
 * own topics and groups, so the suite can run against a shared broker. Topics have one
 * partition, where the port promises one total order, except where a test says otherwise:
 * with several partitions (Kafka; the embedded log keeps one) only per-key order holds.
 */
export function describeEventLogBehaviour(name: string, factory: () => Promise<EventLogFixture>): void {
  describe(`EventLog behaviour: ${name}`, () => {
    let fixture: EventLogFixture;
    let log: EventLog;

    beforeEach(async () => {
      fixture = await factory();
      log = fixture.log;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    const newTopic = async (prefix = 'topic'): Promise<string> => {
      const topic = uniqueName(prefix);
      await log.ensureTopics([{ name: topic, partitions: 1 }]);
      return topic;
    };

    it('hands out consecutive offsets from 0 in the order given and delivers records in that order', async () => {
      const topic = await newTopic();
      const first = await log.append(topic, texts('a', 3));
      const second = await log.append(topic, texts('b', 2));

      expect(first).toEqual([0, 1, 2].map((offset) => ({ topic, partition: 0, offset })));
      expect(offsetsOf(second)).toEqual([3, 4]);

      const records = await readRecords(log, [topic], 5);
      expect(offsetsOf(records)).toEqual([0, 1, 2, 3, 4]);
      expect(valuesOf(records)).toEqual(['a-0', 'a-1', 'a-2', 'b-0', 'b-1']);
      expect(records.every((record) => record.topic === topic && record.partition === 0)).toBe(true);
    });

    it('round-trips keys, headers and timestamps', async () => {
      const topic = await newTopic();
      const before = Date.now();
      await log.append(topic, [
        { key: 'dianliu-b8-door-01', value: '{"type":"door.forced"}', headers: { 'content-type': 'application/json', site: '甸柳八区' }, timestamp: 1_700_000_000_123 },
        { key: null, value: 'no key, no headers, no timestamp' },
      ]);
      const after = Date.now();

      const [withEverything, bare] = await readRecords(log, [topic], 2);
      expect(withEverything).toMatchObject({
        key: 'dianliu-b8-door-01',
        headers: { 'content-type': 'application/json', site: '甸柳八区' },
        timestamp: 1_700_000_000_123,
      });
      expect(withEverything!.value.toString('utf8')).toBe('{"type":"door.forced"}');
      expect(bare!.key).toBeNull();
      expect(bare!.headers).toEqual({});
      expect(bare!.timestamp).toBeGreaterThanOrEqual(before);
      expect(bare!.timestamp).toBeLessThanOrEqual(after);
    });

    it('round-trips binary values byte for byte, including an empty one', async () => {
      const topic = await newTopic();
      const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const large = randomBytes(256 * 1024);
      await log.append(topic, [
        { key: 'bin', value: everyByte },
        { key: 'bin', value: Buffer.alloc(0) },
        { key: 'bin', value: large },
      ]);

      const records = await readRecords(log, [topic], 3);
      expect(Buffer.isBuffer(records[0]!.value)).toBe(true);
      expect(records[0]!.value.equals(everyByte)).toBe(true);
      expect(records[1]!.value.length).toBe(0);
      expect(records[2]!.value.equals(large)).toBe(true);
    });

    it('rejects an append to an unknown topic with OC_LOG_UNKNOWN_TOPIC', async () => {
      await expect(log.append(uniqueName('never-created'), [text('x')])).rejects.toMatchObject({ code: 'OC_LOG_UNKNOWN_TOPIC' });
    });

    it('keeps call order for appends made concurrently by many callers', async () => {
      const topic = await newTopic();
      // All started in one turn: an adapter that batches them must still keep call order.
      const calls = Array.from({ length: 40 }, (_, caller) =>
        log.append(topic, Array.from({ length: (caller % 3) + 1 }, (_, i) => text(`c${caller}-${i}`, `device-${caller % 4}`))),
      );
      const positions = await Promise.all(calls);

      const offsetsInCallOrder = positions.flat().map((position: RecordPosition) => position.offset);
      const expected = Array.from({ length: offsetsInCallOrder.length }, (_, i) => offsetsInCallOrder[0]! + i);
      expect(offsetsInCallOrder).toEqual(expected);

      const records = await readRecords(log, [topic], offsetsInCallOrder.length);
      const valuesInCallOrder = Array.from({ length: 40 }, (_, caller) => Array.from({ length: (caller % 3) + 1 }, (_, i) => `c${caller}-${i}`)).flat();
      expect(valuesOf(records)).toEqual(valuesInCallOrder);
    });

    it('keeps per-key order on a topic asked for several partitions, and each position holds its record', async () => {
      const topic = uniqueName('keyed');
      await log.ensureTopics([{ name: topic, partitions: 3 }]);
      const keys = Array.from({ length: 8 }, (_, i) => `dl8-device-${i}`);
      // One call spans every key (and so, on Kafka, several partitions).
      const calls = [0, 1, 2, 3].map((seq) => log.append(topic, keys.map((key) => text(`${key}#${seq}`, key))));
      const positions = (await Promise.all(calls)).flat();

      const records = await readRecords(log, [topic], positions.length);
      const stored = new Map(records.map((record) => [`${record.partition}/${record.offset}`, record.value.toString('utf8')]));
      const sentValues = [0, 1, 2, 3].flatMap((seq) => keys.map((key) => `${key}#${seq}`));
      positions.forEach((position, i) => expect(stored.get(`${position.partition}/${position.offset}`)).toBe(sentValues[i]));
      for (const key of keys) {
        const mine = records.filter((record) => record.key === key);
        expect(new Set(mine.map((record) => record.partition)).size).toBe(1);
        expect(valuesOf(mine)).toEqual([0, 1, 2, 3].map((seq) => `${key}#${seq}`));
      }
    });

    it('lets two consumer groups read the same records independently', async () => {
      const topic = await newTopic();
      await log.append(topic, texts('early', 4));
      const groupA = await startCollector(log, { topics: [topic] });
      const groupB = await startCollector(log, { topics: [topic] });
      await groupA.waitUntil(() => groupA.accepted.length >= 4);
      await groupA.close();

      // B still gets everything, including what arrives after A left.
      await log.append(topic, texts('late', 2));
      await groupB.waitUntil(() => groupB.accepted.length >= 6);
      await groupB.close();

      expect(valuesOf(groupA.accepted)).toEqual(['early-0', 'early-1', 'early-2', 'early-3']);
      expect(valuesOf(groupB.accepted)).toEqual(['early-0', 'early-1', 'early-2', 'early-3', 'late-0', 'late-1']);
    });

    it('starts a new group at the end when fromBeginning is false, and at the oldest record when true', async () => {
      const topic = await newTopic();
      await log.append(topic, texts('old', 3));
      const onlyNew = await startCollector(log, { topics: [topic], fromBeginning: false });
      const everything = await startCollector(log, { topics: [topic], fromBeginning: true });

      await log.append(topic, texts('new', 2));
      await onlyNew.waitUntil(() => onlyNew.accepted.length >= 2);
      await everything.waitUntil(() => everything.accepted.length >= 5);
      await Promise.all([onlyNew.close(), everything.close()]);

      // Offset order means an "old" record would have arrived before the new ones.
      expect(valuesOf(onlyNew.accepted)).toEqual(['new-0', 'new-1']);
      expect(valuesOf(everything.accepted)).toEqual(['old-0', 'old-1', 'old-2', 'new-0', 'new-1']);
    });

    it('never hands a handler more than maxBatchSize records, each batch from one topic-partition in offset order', async () => {
      const topicA = await newTopic('a');
      const topicB = await newTopic('b');
      await log.append(topicA, texts('a', 7));
      await log.append(topicB, texts('b', 5));

      const collector = await startCollector(log, { topics: [topicA, topicB], maxBatchSize: 3 });
      await collector.waitUntil(() => collector.accepted.length >= 12);
      await collector.close();

      expect(collector.deliveries.length).toBeGreaterThanOrEqual(Math.ceil(7 / 3) + Math.ceil(5 / 3));
      for (const batch of collector.deliveries) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(3);
        expect(new Set(batch.map((record) => `${record.topic}/${record.partition}`)).size).toBe(1);
        expect(offsetsOf(batch)).toEqual(offsetsOf(batch).map((_, i) => batch[0]!.offset + i));
      }
      expect(valuesOf(collector.accepted.filter((record) => record.topic === topicA))).toEqual(texts('a', 7).map((r) => r.value));
      expect(valuesOf(collector.accepted.filter((record) => record.topic === topicB))).toEqual(texts('b', 5).map((r) => r.value));
    });

    it('redelivers a batch whose handler failed, then commits it once it succeeds', async () => {
      const topic = await newTopic();
      await log.append(topic, texts('r', 3));
      const groupId = uniqueName('group');
      const failing = await startCollector(log, {
        topics: [topic],
        groupId,
        onBatch: (_batch, deliveryIndex) => {
          if (deliveryIndex === 0) throw new Error('handler failure on purpose');
        },
      });
      await failing.waitUntil(() => failing.accepted.length >= 3);
      await failing.close();

      const [firstTry, retry] = failing.deliveries;
      expect(retry![0]!.offset).toBe(firstTry![0]!.offset);
      expect(valuesOf(retry!)).toEqual(valuesOf(firstTry!));
      expect(valuesOf(failing.accepted)).toEqual(['r-0', 'r-1', 'r-2']);

      // Committed after the successful retry: the group continues after it.
      await log.append(topic, [text('after')]);
      const resumed = await startCollector(log, { topics: [topic], groupId });
      await resumed.waitUntil(() => resumed.accepted.length >= 1);
      await resumed.close();
      expect(valuesOf(resumed.accepted)).toEqual(['after']);
    });

    it('lets the batch in progress finish and commit on close; the group resumes with no loss and no redelivery', async () => {
      const topic = await newTopic();
      await log.append(topic, texts('first', 5));
      const groupId = uniqueName('group');
      const held = gate();
      const started = gate();
      const closing = await startCollector(log, {
        topics: [topic],
        groupId,
        onBatch: async (_batch, deliveryIndex) => {
          if (deliveryIndex > 0) return;
          started.open();
          await held.promise;
        },
      });
      await started.promise;

      let closed = false;
      const closeDone = closing.close().then(() => {
        closed = true;
      });
      await new Promise<void>((resolve) => setImmediate(resolve));
      expect(closed).toBe(false); // still waiting for the held batch
      held.open();
      await closeDone;
      expect(closing.deliveries).toHaveLength(1);
      expect(closing.accepted).toEqual(closing.deliveries[0]);

      await log.append(topic, texts('second', 3));
      const all = [...texts('first', 5), ...texts('second', 3)].map((record) => record.value);
      const resumed = await startCollector(log, { topics: [topic], groupId });
      await resumed.waitUntil(() => resumed.accepted.length + closing.accepted.length >= all.length);
      await resumed.close();

      expect(resumed.accepted[0]!.offset).toBe(closing.accepted.at(-1)!.offset + 1);
      expect([...valuesOf(closing.accepted), ...valuesOf(resumed.accepted)]).toEqual(all);
    });

    it('resumes a group after the last committed batch when the log is reopened', async (ctx) => {
      if (!fixture.reopen) ctx.skip();
      const topic = await newTopic();
      const groupId = uniqueName('group');
      await log.append(topic, texts('before', 3));
      const beforeRestart = await startCollector(log, { topics: [topic], groupId });
      await beforeRestart.waitUntil(() => beforeRestart.accepted.length >= 3);
      await beforeRestart.close();
      const appendedWhileDown = await log.append(topic, texts('pending', 2));
      await log.close();

      const reopened = await fixture.reopen!();
      const afterRestart = await startCollector(reopened, { topics: [topic], groupId });
      await afterRestart.waitUntil(() => afterRestart.accepted.length >= 2);
      const appendedAfter = await reopened.append(topic, [text('after-restart')]);
      await afterRestart.waitUntil(() => afterRestart.accepted.length >= 3);
      await afterRestart.close();

      expect(valuesOf(afterRestart.accepted)).toEqual(['pending-0', 'pending-1', 'after-restart']);
      expect(offsetsOf(afterRestart.accepted)).toEqual([...offsetsOf(appendedWhileDown), ...offsetsOf(appendedAfter)]);
      expect(appendedAfter[0]!.offset).toBe(appendedWhileDown[1]!.offset + 1);
    });

    it('rejects appends after close with OC_LOG_CLOSED, and close is idempotent', async () => {
      const topic = await newTopic();
      await log.append(topic, [text('before close')]);
      await log.close();
      await expect(log.close()).resolves.toBeUndefined();
      await expect(log.append(topic, [text('after close')])).rejects.toMatchObject({ code: 'OC_LOG_CLOSED' });
    });
  });
}
