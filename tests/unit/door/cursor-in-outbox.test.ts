import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { CursorDatabase, MemoryCursorStore, type DoorCursorStore } from '../../../edge-agent/drivers/door/cursor-store.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import type { Outbox } from '../../../edge-agent/outbox/outbox.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import { silentLogger } from '../../../services/shared/logger.ts';

const DOOR = 'door-1';
const dirs: string[] = [];
const cleanups: Array<() => unknown> = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-door-cursor-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** An agent that never connects: emits only reach its outbox, which is all these tests look at. */
function agentOn(outbox: Outbox): EdgeAgent {
  const agent = new EdgeAgent({ deviceId: DOOR, kind: 'door', brokerUrl: 'mqtt://127.0.0.1:1', password: 'unused', outbox, heartbeatIntervalMs: 0, logger: silentLogger() });
  cleanups.push(() => agent.close());
  return agent;
}

interface Setup {
  outbox: Outbox;
  cursor: DoorCursorStore;
}

const setups: Array<[string, () => Setup]> = [
  ['MemoryOutbox + MemoryCursorStore', () => ({ outbox: new MemoryOutbox(), cursor: new MemoryCursorStore() })],
  [
    'SqliteOutbox + CursorDatabase in one file',
    () => {
      const path = join(tempDir(), 'agent.db');
      const outbox = SqliteOutbox.open({ path, deviceId: DOOR });
      const cursors = CursorDatabase.open({ path });
      cleanups.push(() => outbox.close(), () => cursors.close());
      return { outbox, cursor: cursors.storeFor(DOOR) };
    },
  ],
];

describe.each(setups)('door cursor moved in the envelope transaction: %s', (_name, setup) => {
  it('stores the envelope and the cursor together', () => {
    const { outbox, cursor } = setup();
    const agent = agentOn(outbox);
    const envelope = agent.emitEvent('tamper', { reason: 'r1' }, undefined, { alsoInTransaction: () => cursor.saveInTransaction({ journalId: 'j1', seq: 7 }) });
    expect(outbox.size()).toBe(1);
    expect(JSON.parse(outbox.peek(0, 1)[0]!.payload.toString('utf8'))).toMatchObject({ id: envelope.id, type: 'tamper' });
    expect(cursor.load()).toEqual({ journalId: 'j1', seq: 7 });
    expect(agent.stats().produced).toBe(1);
  });

  it('stores neither when the cursor write fails: the emit throws and the envelope is not in the outbox', () => {
    const { outbox, cursor } = setup();
    const agent = agentOn(outbox);
    agent.emitEvent('tamper', { reason: 'r1' }, undefined, { alsoInTransaction: () => cursor.saveInTransaction({ journalId: 'j1', seq: 1 }) });
    const failing = () =>
      agent.emitEvent('tamper', { reason: 'r2' }, undefined, {
        alsoInTransaction: () => {
          throw new Error('disk full');
        },
      });
    expect(failing).toThrow('disk full');
    expect(outbox.size()).toBe(1);
    expect(outbox.nextSeq()).toBe(1);
    expect(agent.stats().produced).toBe(1);
    expect(cursor.load()).toEqual({ journalId: 'j1', seq: 1 });
  });
});

describe('door cursor and outbox sharing one file', () => {
  it('roll back together when the transaction fails after the cursor was written', () => {
    const path = join(tempDir(), 'agent.db');
    const outbox = SqliteOutbox.open({ path, deviceId: DOOR });
    const cursors = CursorDatabase.open({ path });
    cleanups.push(() => outbox.close(), () => cursors.close());
    const cursor = cursors.storeFor(DOOR);
    const agent = agentOn(outbox);
    const failing = () =>
      agent.emitEvent('tamper', { reason: 'r1' }, undefined, {
        alsoInTransaction: () => {
          cursor.saveInTransaction({ journalId: 'j1', seq: 1 });
          throw new Error('after the cursor write');
        },
      });
    expect(failing).toThrow('after the cursor write');
    expect(outbox.size()).toBe(0);
    expect(cursor.load()).toBeUndefined();
  });

  it('survive a reopen together, and either holder may close first', () => {
    const path = join(tempDir(), 'agent.db');
    const outbox = SqliteOutbox.open({ path, deviceId: DOOR });
    const cursors = CursorDatabase.open({ path });
    const agent = agentOn(outbox);
    agent.emitEvent('tamper', { reason: 'r1' }, undefined, { alsoInTransaction: () => cursors.storeFor(DOOR).saveInTransaction({ journalId: 'j1', seq: 1 }) });
    cursors.close();
    expect(() => cursors.storeFor(DOOR).load()).toThrow(expect.objectContaining({ code: 'OC_OUTBOX_CLOSED' }));
    expect(outbox.size()).toBe(1); // the outbox still holds the shared connection
    outbox.close();

    const outboxAgain = SqliteOutbox.open({ path, deviceId: DOOR });
    const cursorsAgain = CursorDatabase.open({ path });
    cleanups.push(() => outboxAgain.close(), () => cursorsAgain.close());
    expect(outboxAgain.size()).toBe(1);
    expect(cursorsAgain.storeFor(DOOR).load()).toEqual({ journalId: 'j1', seq: 1 });
  });
});

describe('door cursor in another file than the outbox', () => {
  it('refuses a cursor move in the envelope transaction (OC_CONFIG_INVALID), so the envelope is not stored either', () => {
    const dir = tempDir();
    const outbox = SqliteOutbox.open({ path: join(dir, 'outbox.db'), deviceId: DOOR });
    const cursors = CursorDatabase.open({ path: join(dir, 'elsewhere.db') });
    cleanups.push(() => outbox.close(), () => cursors.close());
    const cursor = cursors.storeFor(DOOR);
    const agent = agentOn(outbox);
    expect(() => agent.emitEvent('tamper', { reason: 'r1' }, undefined, { alsoInTransaction: () => cursor.saveInTransaction({ journalId: 'j1', seq: 1 }) })).toThrow(
      expect.objectContaining({ code: 'OC_CONFIG_INVALID' }),
    );
    expect(outbox.size()).toBe(0);
    expect(cursor.load()).toBeUndefined();
    // A cursor move of its own (a skipped controller event) needs no transaction.
    cursor.save({ journalId: 'j1', seq: 2 });
    expect(cursor.load()).toEqual({ journalId: 'j1', seq: 2 });
  });
});
