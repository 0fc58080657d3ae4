import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAgentDatabase } from '../../../edge-agent/outbox/agent-database.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import type { Outbox, OutboxMessage } from '../../../edge-agent/outbox/outbox.ts';
import { OutboxDatabase, SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import { isOcError } from '../../../services/shared/errors.ts';

const dirs: string[] = [];
const tempFile = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-outbox-'));
  dirs.push(dir);
  return join(dir, 'outbox.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const message = (seq: number): OutboxMessage => ({ topic: 'oc/v1/door-1/event', payload: Buffer.from(`m${seq}`), qos: 1 });

const implementations: Array<[string, () => Outbox]> = [
  ['MemoryOutbox', () => new MemoryOutbox()],
  ['SqliteOutbox', () => SqliteOutbox.open({ path: tempFile(), deviceId: 'door-1' })],
];

describe.each(implementations)('%s behaviour', (_name, create) => {
  it('allocates gap-free seqs from 0 and hands the seq to the builder', () => {
    const outbox = create();
    const seen: number[] = [];
    const entries = [0, 1, 2].map(() => outbox.enqueue((seq) => (seen.push(seq), message(seq))));
    expect(seen).toEqual([0, 1, 2]);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(entries[0]!.payload.toString()).toBe('m0');
    expect(outbox.nextSeq()).toBe(3);
    outbox.close();
  });

  it('consumes no seq when the builder throws', () => {
    const outbox = create();
    outbox.enqueue(message);
    expect(() =>
      outbox.enqueue(() => {
        throw new Error('bad envelope');
      }),
    ).toThrow('bad envelope');
    expect(outbox.enqueue(message).seq).toBe(1);
    expect(outbox.size()).toBe(2);
    outbox.close();
  });

  it('peeks oldest first, after a given id, up to a limit', () => {
    const outbox = create();
    const ids = [0, 1, 2, 3, 4].map(() => outbox.enqueue(message).id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(outbox.peek(0, 2).map((e) => e.seq)).toEqual([0, 1]);
    expect(outbox.peek(ids[1]!, 10).map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(outbox.peek(ids[4]!, 10)).toEqual([]);
    expect(outbox.peek(0, 0)).toEqual([]);
    const first = outbox.peek(0, 1)[0]!;
    expect(first).toMatchObject({ topic: 'oc/v1/door-1/event', qos: 1, seq: 0 });
    expect(Buffer.isBuffer(first.payload)).toBe(true);
    outbox.close();
  });

  it('ack removes exactly that entry, in any order, and size follows', () => {
    const outbox = create();
    const ids = [0, 1, 2].map(() => outbox.enqueue(message).id);
    expect(outbox.size()).toBe(3);
    outbox.ack(ids[1]!);
    expect(outbox.size()).toBe(2);
    expect(outbox.peek(0, 10).map((e) => e.seq)).toEqual([0, 2]);
    outbox.ack(ids[1]!); // a repeated ack is harmless
    outbox.ack(ids[0]!);
    outbox.ack(ids[2]!);
    expect(outbox.size()).toBe(0);
    outbox.close();
  });

  it('never reuses a seq or an id after everything was acked', () => {
    const outbox = create();
    const a = outbox.enqueue(message);
    const b = outbox.enqueue(message);
    outbox.ack(a.id);
    outbox.ack(b.id);
    const c = outbox.enqueue(message);
    expect(c.seq).toBe(2);
    expect(c.id).toBeGreaterThan(b.id);
    // A sender whose cursor is at b must still see c.
    expect(outbox.peek(b.id, 10).map((e) => e.seq)).toEqual([2]);
    outbox.close();
  });

  it('runs the side effect once, in the append, with the seq already allocated', () => {
    const outbox = create();
    const calls: number[] = [];
    const entry = outbox.enqueue(message, () => calls.push(outbox.size()));
    expect(calls).toHaveLength(1);
    expect(entry.seq).toBe(0);
    expect(outbox.size()).toBe(1);
    outbox.close();
  });

  it('stores nothing and consumes no seq when the side effect throws', () => {
    const outbox = create();
    const first = outbox.enqueue(message);
    expect(() =>
      outbox.enqueue(message, () => {
        throw new Error('cursor write failed');
      }),
    ).toThrow('cursor write failed');
    expect(outbox.size()).toBe(1);
    expect(outbox.nextSeq()).toBe(1);
    expect(outbox.peek(0, 10).map((e) => e.id)).toEqual([first.id]);
    const next = outbox.enqueue(message);
    expect(next.seq).toBe(1);
    expect(next.id).toBeGreaterThan(first.id);
    outbox.close();
  });

  it('throws OC_OUTBOX_CLOSED once closed', () => {
    const outbox = create();
    outbox.enqueue(message);
    outbox.close();
    for (const use of [() => outbox.enqueue(message), () => outbox.peek(0, 1), () => outbox.ack(1), () => outbox.size(), () => outbox.nextSeq()]) {
      expect(use).toThrow(expect.objectContaining({ code: 'OC_OUTBOX_CLOSED' }));
    }
    expect(() => outbox.close()).not.toThrow();
  });
});

describe('SqliteOutbox: a side effect in the append transaction', () => {
  /** Another store in the agent's file (like a driver's cursor table), on the connection the file shares. */
  function sideTable(path: string) {
    const file = openAgentDatabase({ path });
    file.connection.exec('CREATE TABLE IF NOT EXISTS side (note TEXT NOT NULL) STRICT');
    const insert = file.connection.prepare<[string]>('INSERT INTO side (note) VALUES (?)');
    const notes = file.connection.prepare<[], { note: string }>('SELECT note FROM side ORDER BY rowid');
    return { write: (note: string) => insert.run(note), notes: () => notes.all().map((r) => r.note), close: () => file.close() };
  }

  it('rolls back what the side effect wrote, with the entry, when it throws after writing', () => {
    const path = tempFile();
    const outbox = SqliteOutbox.open({ path, deviceId: 'door-1' });
    const side = sideTable(path);
    outbox.enqueue(message, () => side.write('kept'));
    expect(() =>
      outbox.enqueue(message, () => {
        side.write('rolled back');
        throw new Error('after writing');
      }),
    ).toThrow('after writing');
    expect(side.notes()).toEqual(['kept']);
    expect(outbox.size()).toBe(1);
    side.close();
    outbox.close();
  });

  it('commits the side effect with the entry: both are there after a reopen', () => {
    const path = tempFile();
    const outbox = SqliteOutbox.open({ path, deviceId: 'door-1' });
    const side = sideTable(path);
    for (const n of [0, 1, 2]) outbox.enqueue(message, () => side.write(`with m${n}`));
    side.close();
    outbox.close();

    const reopened = SqliteOutbox.open({ path, deviceId: 'door-1' });
    const sideAgain = sideTable(path);
    expect(reopened.peek(0, 10).map((e) => e.payload.toString())).toEqual(['m0', 'm1', 'm2']);
    expect(sideAgain.notes()).toEqual(['with m0', 'with m1', 'with m2']);
    sideAgain.close();
    reopened.close();
  });
});

describe('SqliteOutbox durability', () => {
  it('keeps pending entries and the seq counter across a reopen', () => {
    const path = tempFile();
    const first = SqliteOutbox.open({ path, deviceId: 'door-1' });
    const ids = [0, 1, 2, 3].map(() => first.enqueue(message).id);
    first.ack(ids[0]!);
    first.ack(ids[3]!); // the newest acked too: the counter must not fall back to the table's max
    first.close();

    const second = SqliteOutbox.open({ path, deviceId: 'door-1', synchronous: 'NORMAL' });
    expect(second.size()).toBe(2);
    expect(second.peek(0, 10).map((e) => [e.seq, e.payload.toString()])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
    ]);
    expect(second.nextSeq()).toBe(4);
    const next = second.enqueue(message);
    expect(next.seq).toBe(4);
    expect(next.id).toBeGreaterThan(ids[3]!);
    second.close();
  });

  it('keeps the outboxes of two devices in one file independent', () => {
    const path = tempFile();
    const db = OutboxDatabase.open({ path });
    const door = db.outboxFor('door-1');
    const drain = db.outboxFor('drain-1');
    door.enqueue(message);
    door.enqueue(message);
    const d0 = drain.enqueue((seq) => ({ topic: 'oc/v1/drain-1/telemetry', payload: Buffer.from(`d${seq}`), qos: 1 }));
    expect(d0.seq).toBe(0);
    expect(door.nextSeq()).toBe(2);
    expect(drain.nextSeq()).toBe(1);
    expect(drain.peek(0, 10).map((e) => e.payload.toString())).toEqual(['d0']);
    // Acking another device's id through the wrong outbox does nothing.
    door.ack(d0.id);
    expect(drain.size()).toBe(1);
    // Closing one device's view leaves the file open for the other.
    door.close();
    expect(() => door.size()).toThrow(expect.objectContaining({ code: 'OC_OUTBOX_CLOSED' }));
    expect(drain.size()).toBe(1);
    db.close();
    let caught: unknown;
    try {
      drain.size();
    } catch (err) {
      caught = err;
    }
    expect(isOcError(caught, 'OC_OUTBOX_CLOSED')).toBe(true);

    const reopened = OutboxDatabase.open({ path });
    expect(reopened.outboxFor('door-1').nextSeq()).toBe(2);
    expect(reopened.outboxFor('drain-1').size()).toBe(1);
    expect(reopened.outboxFor('camera-1').nextSeq()).toBe(0);
    reopened.close();
  });
});
