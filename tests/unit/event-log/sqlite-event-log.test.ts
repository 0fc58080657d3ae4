import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProduceRecord } from '../../../services/event-log/port.ts';
import { SCHEMA_VERSION } from '../../../services/event-log/sqlite/schema.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import { describeEventLogBehaviour } from '../../support/event-log-behaviour.ts';
import { gate, offsetsOf, readRecords, startCollector, uniqueName, valuesOf } from '../../support/event-log-collector.ts';
import { sqliteLogStorage, type SqliteLogStorage } from '../../support/event-log-sqlite.ts';

describeEventLogBehaviour('SqliteEventLog', async () => {
  const storage = sqliteLogStorage();
  return { log: storage.open(), reopen: async () => storage.open(), cleanup: storage.cleanup };
});

const record = (value: string, key: string | null = 'device-1'): ProduceRecord => ({ key, value });

/** Runs `work` on a separate connection to the same file, as another process would see it. */
function withConnection<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

const storedValues = (path: string, topic: string): string[] =>
  withConnection(path, (db) =>
    (db.prepare('SELECT value FROM records WHERE topic = ? ORDER BY offset').all(topic) as { value: Buffer }[]).map((row) =>
      row.value.toString('utf8'),
    ),
  );

describe('SqliteEventLog specifics', () => {
  let storage: SqliteLogStorage;
  let topic: string;

  beforeEach(() => {
    storage = sqliteLogStorage();
    topic = uniqueName('oc.events');
  });
  afterEach(async () => {
    vi.useRealTimers();
    await storage.cleanup();
  });

  describe('storage', () => {
    it('creates its schema at the current version in WAL mode, and reopening keeps it', async () => {
      await storage.open().close();
      storage.open();
      withConnection(storage.path, (db) => {
        expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SCHEMA_VERSION }]);
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
        expect(tables).toEqual(expect.arrayContaining(['committed_offsets', 'partitions', 'records', 'schema_version', 'topics']));
      });
    });

    it('refuses a file whose schema is newer than this code', async () => {
      await storage.open().close();
      withConnection(storage.path, (db) => db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1));
      expect(() => storage.open()).toThrow(expect.objectContaining({ code: 'OC_CONFIG_INVALID' }));
    });

    it('runs with synchronous=FULL by default and NORMAL when asked, and rejects anything else', async () => {
      const durable = storage.open();
      expect(durable.storageSettings()).toEqual({ journalMode: 'wal', synchronous: 'FULL', busyTimeoutMs: 5_000 });
      const faster = storage.open({ synchronous: 'NORMAL', busyTimeoutMs: 250 });
      expect(faster.storageSettings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL', busyTimeoutMs: 250 });
      expect(() => storage.open({ synchronous: 'OFF' as 'FULL' })).toThrow(expect.objectContaining({ code: 'OC_CONFIG_INVALID' }));
    });

    it('has committed an append when its promise resolves, and keeps records and offsets across reopen', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      const first = await log.append(topic, [record('a'), record('b'), record('c')]);
      // Not closed: another connection already sees the records.
      expect(storedValues(storage.path, topic)).toEqual(['a', 'b', 'c']);
      await log.close();

      const reopened = storage.open();
      const next = await reopened.append(topic, [record('d')]);
      expect(next[0]!.offset).toBe(first[2]!.offset + 1);
      const records = await readRecords(reopened, [topic], 4);
      expect(valuesOf(records)).toEqual(['a', 'b', 'c', 'd']);
      expect(offsetsOf(records)).toEqual([0, 1, 2, 3]);
    });

    it('works on an in-memory database', async () => {
      const storageless = SqliteEventLog.open({ path: ':memory:' });
      try {
        await storageless.ensureTopics([{ name: topic }]);
        await storageless.append(topic, [record('in memory')]);
        expect(valuesOf(await readRecords(storageless, [topic], 1))).toEqual(['in memory']);
      } finally {
        await storageless.close();
      }
    });
  });

  describe('group commit', () => {
    it('writes one turn of appends in one transaction: if it fails, every caller is rejected and nothing is stored', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      await log.append(topic, [record('kept')]);
      withConnection(storage.path, (db) =>
        db.exec(`CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END`),
      );

      const sameTurn = await Promise.allSettled([
        log.append(topic, [record('innocent-1')]),
        log.append(topic, [record('x', 'poison')]),
        log.append(topic, [record('innocent-2'), record('innocent-3')]),
      ]);
      for (const outcome of sameTurn) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as unknown;
        expect(isOcError(reason, 'OC_LOG_APPEND_FAILED')).toBe(true);
        expect(((reason as Error).cause as Error).message).toContain('poisoned record');
      }

      // The next turn is a transaction of its own, and the rolled-back offsets were not spent.
      const after = await log.append(topic, [record('after')]);
      expect(after[0]!.offset).toBe(1);
      expect(storedValues(storage.path, topic)).toEqual(['kept', 'after']);
    });

    it('also groups appends made by separate callbacks of one event-loop phase, as MQTT packets arrive', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      withConnection(storage.path, (db) =>
        db.exec(`CREATE TRIGGER poison BEFORE INSERT ON records WHEN NEW.key = 'poison' BEGIN SELECT RAISE(ABORT, 'poisoned record'); END`),
      );
      // Two immediates run back to back in one check phase, with microtasks in between:
      // a flush on a microtask would commit the first alone; the group commit must not.
      const appendInOwnCallback = (value: ProduceRecord): Promise<string> =>
        new Promise((resolve) => {
          setImmediate(() => {
            log.append(topic, [value]).then(() => resolve('fulfilled'), () => resolve('rejected'));
          });
        });
      const outcomes = await Promise.all([appendInOwnCallback(record('innocent')), appendInOwnCallback(record('x', 'poison'))]);
      expect(outcomes).toEqual(['rejected', 'rejected']);
      expect(storedValues(storage.path, topic)).toEqual([]);
    });

    it('rejects a malformed record in its own append only, not in the shared transaction', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      const [valid, malformed] = await Promise.allSettled([
        log.append(topic, [record('fine')]),
        log.append(topic, [record('fine too'), { key: 'device-1', value: 42 as unknown as Buffer }]),
      ]);
      expect(valid).toEqual({ status: 'fulfilled', value: [{ topic, partition: 0, offset: 0 }] });
      expect(malformed.status).toBe('rejected');
      expect((malformed as PromiseRejectedResult).reason).toMatchObject({ code: 'OC_LOG_APPEND_FAILED', details: { topic, index: 1 } });
      expect(storedValues(storage.path, topic)).toEqual(['fine']);
    });

    it('finds topics created by another instance on the same file', async () => {
      const reader = storage.open();
      await storage.open().ensureTopics([{ name: topic }]);
      await expect(reader.append(topic, [record('known now')])).resolves.toEqual([{ topic, partition: 0, offset: 0 }]);
    });
  });

  describe('consumers', () => {
    it('wakes an idle consumer when this process appends, without waiting for the poll', { timeout: 10_000 }, async () => {
      // A poll far longer than the test timeout: only the in-process wake-up can deliver in time.
      const log = storage.open({ pollIntervalMs: 3_600_000 });
      await log.ensureTopics([{ name: topic }]);
      const collector = await startCollector(log, { topics: [topic] });
      await log.append(topic, [record('first')]);
      await collector.waitUntil(() => collector.accepted.length === 1);
      await log.append(topic, [record('second')]);
      await collector.waitUntil(() => collector.accepted.length === 2);
      expect(valuesOf(collector.accepted)).toEqual(['first', 'second']);
    });

    it('sees records appended by another instance on the same file through its poll', async () => {
      const writer = storage.open();
      const reader = storage.open({ pollIntervalMs: 20 });
      await writer.ensureTopics([{ name: topic }]);
      const collector = await startCollector(reader, { topics: [topic] });
      await writer.append(topic, [record('from-writer-0'), record('from-writer-1')]);
      await collector.waitUntil(() => collector.accepted.length >= 2);
      expect(valuesOf(collector.accepted)).toEqual(['from-writer-0', 'from-writer-1']);

      // Both instances append to one offset sequence.
      await expect(reader.append(topic, [record('from-reader')])).resolves.toEqual([{ topic, partition: 0, offset: 2 }]);
      await expect(writer.append(topic, [record('from-writer-2')])).resolves.toEqual([{ topic, partition: 0, offset: 3 }]);
    });

    it('allows one active consumer per group in a process, and the group again once it closed', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      const groupId = uniqueName('group');
      const first = await log.consume({ groupId, topics: [topic] }, async () => undefined);
      await expect(log.consume({ groupId, topics: [topic] }, async () => undefined)).rejects.toMatchObject({ code: 'OC_LOG_GROUP_BUSY' });
      await first.close();
      const second = await log.consume({ groupId, topics: [topic] }, async () => undefined);
      await second.close();
    });

    it('rejects consuming an unknown topic, and consuming after close', async () => {
      const log = storage.open();
      await expect(log.consume({ groupId: 'g', topics: [uniqueName('missing')] }, async () => undefined)).rejects.toMatchObject({
        code: 'OC_LOG_UNKNOWN_TOPIC',
      });
      await log.close();
      await expect(log.consume({ groupId: 'g', topics: [topic] }, async () => undefined)).rejects.toMatchObject({ code: 'OC_LOG_CLOSED' });
    });

    it('keeps a new group\'s starting point from the moment it joined, even if it restarts before its first batch', async () => {
      const log = storage.open();
      await log.ensureTopics([{ name: topic }]);
      await log.append(topic, [record('before join')]);
      const groupId = uniqueName('group');
      const joined = await log.consume({ groupId, topics: [topic], fromBeginning: false }, async () => undefined);
      await joined.close();
      await log.append(topic, [record('while away')]);

      const back = await startCollector(log, { topics: [topic], groupId, fromBeginning: false });
      await back.waitUntil(() => back.accepted.length >= 1);
      expect(valuesOf(back.accepted)).toEqual(['while away']);
    });

    it('closes consumers before the storage, so a batch that forwards records while closing is kept', async () => {
      const log = storage.open();
      const forwarded = uniqueName('oc.alerts');
      await log.ensureTopics([{ name: topic }, { name: forwarded }]);
      await log.append(topic, [record('door forced')]);
      const started = gate();
      const held = gate();
      await startCollector(log, {
        topics: [topic],
        groupId: 'alerting',
        onBatch: async (batch) => {
          started.open();
          await held.promise;
          // Like the alerting service: a consumed event produces an alert on another topic.
          await log.append(forwarded, batch.map((r) => ({ key: r.key, value: `alert for ${r.value.toString('utf8')}` })));
        },
      });
      await started.promise;
      const closed = log.close();
      held.open();
      await closed;

      const reopened = storage.open();
      expect(valuesOf(await readRecords(reopened, [forwarded], 1))).toEqual(['alert for door forced']);
      // And the batch was committed: the group has nothing left on the source topic.
      await reopened.append(topic, [record('next')]);
      const alerting = await startCollector(reopened, { topics: [topic], groupId: 'alerting' });
      await alerting.waitUntil(() => alerting.accepted.length >= 1);
      expect(valuesOf(alerting.accepted)).toEqual(['next']);
    });
  });

  describe('retention', () => {
    it('deletes records older than retentionMs, only on topics that have it, and never reuses offsets', async () => {
      const clock = new ManualClock(1_000_000);
      const log = storage.open({ clock });
      const shortLived = uniqueName('oc.telemetry');
      const kept = uniqueName('oc.tickets');
      await log.ensureTopics([{ name: shortLived, retentionMs: 1_000 }, { name: kept }]);
      await log.append(shortLived, [record('old-0'), record('old-1'), record('old-2')]);
      await log.append(kept, [record('ticket-0'), record('ticket-1')]);
      clock.advance(500);
      await log.append(shortLived, [record('young-0'), record('young-1')]);

      clock.advance(600); // the first three are now 1100 ms old, the last two 600 ms
      expect(await log.sweepRetention()).toBe(3);
      const remaining = await readRecords(log, [shortLived], 2);
      expect(valuesOf(remaining)).toEqual(['young-0', 'young-1']);
      expect(offsetsOf(remaining)).toEqual([3, 4]);
      expect(storedValues(storage.path, kept)).toEqual(['ticket-0', 'ticket-1']);

      clock.advance(1_000);
      expect(await log.sweepRetention()).toBe(2);
      expect(storedValues(storage.path, shortLived)).toEqual([]);
      expect(await log.append(shortLived, [record('fresh')])).toEqual([{ topic: shortLived, partition: 0, offset: 5 }]);

      // Even an emptied partition remembers its offsets after a restart.
      clock.advance(2_000);
      await log.sweepRetention();
      await log.close();
      expect(await storage.open({ clock }).append(shortLived, [record('after restart')])).toEqual([{ topic: shortLived, partition: 0, offset: 6 }]);
    });

    it('sweeps on its own interval, and clears that timer on close', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const clock = new ManualClock(0);
      const log = storage.open({ clock, retentionSweepIntervalMs: 10_000 });
      await log.ensureTopics([{ name: topic, retentionMs: 1_000 }]);
      await log.append(topic, [record('expires')]);
      clock.advance(5_000);
      expect(storedValues(storage.path, topic)).toEqual(['expires']);

      await vi.advanceTimersByTimeAsync(10_000);
      expect(storedValues(storage.path, topic)).toEqual([]);
      expect(vi.getTimerCount()).toBe(1);
      await log.close();
      expect(vi.getTimerCount()).toBe(0);
    });
  });
});
