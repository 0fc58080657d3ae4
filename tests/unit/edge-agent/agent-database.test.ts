import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAgentDatabase } from '../../../edge-agent/outbox/agent-database.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-agent-db-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openAgentDatabase: one connection per file in a process', () => {
  it('gives every opener of one file the same connection, however the path is spelt', () => {
    const dir = tempDir();
    const a = openAgentDatabase({ path: join(dir, 'agent.db') });
    const b = openAgentDatabase({ path: join(dir, '.', 'sub', '..', 'agent.db') });
    const other = openAgentDatabase({ path: join(dir, 'other.db') });
    expect(b.connection).toBe(a.connection);
    expect(other.connection).not.toBe(a.connection);
    expect(a.connection.pragma('journal_mode', { simple: true })).toBe('wal');
    for (const held of [a, b, other]) held.close();
  });

  it('keeps the connection open until its last holder closes, and opens a new one after', () => {
    const path = join(tempDir(), 'agent.db');
    const a = openAgentDatabase({ path });
    const b = openAgentDatabase({ path });
    a.close();
    a.close(); // idempotent: must not release b's hold
    expect(a.isOpen).toBe(false);
    expect(b.isOpen).toBe(true);
    expect(b.connection.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    b.close();
    expect(b.connection.open).toBe(false);

    const c = openAgentDatabase({ path });
    expect(c.connection).not.toBe(b.connection);
    expect(c.isOpen).toBe(true);
    c.close();
  });

  it('never weakens durability: FULL asked by a later opener applies to the shared connection', () => {
    const path = join(tempDir(), 'agent.db');
    const relaxed = openAgentDatabase({ path, synchronous: 'NORMAL' });
    const NORMAL = 1;
    const FULL = 2;
    expect(relaxed.connection.pragma('synchronous', { simple: true })).toBe(NORMAL);
    const strict = openAgentDatabase({ path });
    expect(strict.connection.pragma('synchronous', { simple: true })).toBe(FULL);
    const relaxedAgain = openAgentDatabase({ path, synchronous: 'NORMAL' });
    expect(relaxedAgain.connection.pragma('synchronous', { simple: true })).toBe(FULL);
    for (const held of [relaxed, strict, relaxedAgain]) held.close();
  });

  it('does not share in-memory databases', () => {
    const a = openAgentDatabase({ path: ':memory:' });
    const b = openAgentDatabase({ path: ':memory:' });
    expect(b.connection).not.toBe(a.connection);
    a.close();
    expect(b.isOpen).toBe(true);
    b.close();
  });
});
