import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeConfigEvent } from '../../../services/config-store/config-event.ts';
import { SqliteConfigStore } from '../../../services/config-store/sqlite-config-store.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { isOcError } from '../../../services/shared/errors.ts';

/** The embedded config store on a real SQLite file: versions, the 409 check, the audit, the outbox. */
let dir: string;
let path: string;
let clock: ManualClock;
let store: SqliteConfigStore;
const admin = { actor: 'admin', address: '192.0.2.7' };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-config-store-'));
  path = join(dir, 'config.db');
  clock = new ManualClock(Date.UTC(2026, 11, 7, 4, 0));
  store = SqliteConfigStore.open({ path, clock });
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const conflict = (work: () => unknown) => {
  try {
    work();
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_VERSION_CONFLICT')) return err.details;
    throw err;
  }
  throw new Error('no conflict');
};

describe('items and versions', () => {
  it('creates at version 1, counts every change and lists live items by id', () => {
    expect(store.isEmpty()).toBe(true);
    const a = store.put('device', 'cam-b', { kind: 'camera' }, 0, admin);
    store.put('device', 'cam-a', { kind: 'camera' }, 0, admin);
    expect(a).toMatchObject({ kind: 'device', id: 'cam-b', version: 1, updatedBy: 'admin', updatedAt: clock.now() });
    clock.advance(1000);
    const b = store.put('device', 'cam-b', { kind: 'camera', placeId: 'gate-n' }, 1, admin);
    expect(b.version).toBe(2);
    expect(store.get('device', 'cam-b')?.value).toEqual({ kind: 'camera', placeId: 'gate-n' });
    expect(store.list('device').map((i) => i.id)).toEqual(['cam-a', 'cam-b']);
    expect(store.list('place')).toEqual([]);
    expect(store.isEmpty()).toBe(false);
  });

  it('refuses a stale or a duplicate write with OC_CONFIG_VERSION_CONFLICT and the current version', () => {
    store.put('rules', 'dianliu-block8', { a: 1 }, 0, admin);
    store.put('rules', 'dianliu-block8', { a: 2 }, 1, admin);
    expect(conflict(() => store.put('rules', 'dianliu-block8', { a: 3 }, 1, admin))).toMatchObject({ currentVersion: 2, expectedVersion: 1 });
    expect(conflict(() => store.put('rules', 'dianliu-block8', { a: 3 }, 0, admin))).toMatchObject({ currentVersion: 2 });
    expect(store.get('rules', 'dianliu-block8')?.value).toEqual({ a: 2 });
  });

  it('keeps a tombstone so that versions never restart after a removal', () => {
    store.put('place', 'b9', { name: 'x' }, 0, admin);
    store.remove('place', 'b9', 1, admin);
    expect(store.get('place', 'b9')).toBeUndefined();
    expect(store.versionOf('place', 'b9')).toBe(2);
    const again = store.put('place', 'b9', { name: 'y' }, 0, admin);
    expect(again.version).toBe(3);
    expect(() => store.remove('place', 'nowhere', 0, admin)).toThrow(expect.objectContaining({ code: 'OC_CONFIG_NOT_FOUND' }) as Error);
  });

  it('applies several changes all or none', () => {
    store.put('shift', 's1', { who: 'a' }, 0, admin);
    store.put('shift', 's2', { who: 'b' }, 0, admin);
    conflict(() =>
      store.apply(
        [
          { kind: 'shift', id: 's1', expectedVersion: 1, value: { who: 'b' } },
          { kind: 'shift', id: 's2', expectedVersion: 7, value: { who: 'a' } },
        ],
        admin,
      ),
    );
    expect(store.get('shift', 's1')?.value).toEqual({ who: 'a' });
    expect(store.audit({ kind: 'shift' })).toHaveLength(2);
    expect(store.pendingOutgoing(100)).toHaveLength(2);
  });

  it('survives closing and reopening the file', () => {
    store.put('person', 'admin', { name: 'Admin' }, 0, admin);
    store.close();
    store = SqliteConfigStore.open({ path, clock });
    expect(store.get('person', 'admin')).toMatchObject({ version: 1, value: { name: 'Admin' } });
  });
});

describe('audit', () => {
  it('records who, when, from where, before and after, newest first, with secrets redacted', () => {
    store.put('device', 'cam-1', { kind: 'camera', secretHash: 'sha256$abc$def' }, 0, admin);
    clock.advance(60_000);
    store.put('device', 'cam-1', { kind: 'camera', secretHash: 'sha256$ghi$jkl' }, 1, { actor: 'ops' });
    const [latest, first] = store.audit();
    expect(first).toMatchObject({ actor: 'admin', address: '192.0.2.7', op: 'create', version: 1, before: null, after: { kind: 'camera', secretHash: '[redacted]' } });
    expect(latest).toMatchObject({ actor: 'ops', address: null, op: 'update', version: 2, at: clock.now(), before: { secretHash: '[redacted]' } });
    const text = JSON.stringify(store.audit());
    expect(text).not.toContain('abc');
    expect(text).not.toContain('jkl');
  });

  it('filters by kind, id, actor and time', () => {
    store.put('device', 'd1', { n: 1 }, 0, admin);
    clock.advance(10_000);
    const since = clock.now();
    store.put('place', 'p1', { n: 1 }, 0, { actor: 'ops' });
    store.put('device', 'd2', { n: 1 }, 0, admin);
    expect(store.audit({ kind: 'device' }).map((e) => e.id)).toEqual(['d2', 'd1']);
    expect(store.audit({ id: 'p1' }).map((e) => e.actor)).toEqual(['ops']);
    expect(store.audit({ actor: 'admin', since }).map((e) => e.id)).toEqual(['d2']);
    expect(store.audit({ limit: 1 })).toHaveLength(1);
  });

  it('is append-only in the file itself', () => {
    store.put('device', 'd1', { n: 1 }, 0, admin);
    store.close();
    const raw = new Database(path);
    expect(() => raw.prepare("UPDATE audit SET actor = 'someone else'").run()).toThrow(/append-only/);
    expect(() => raw.prepare('DELETE FROM audit').run()).toThrow(/append-only/);
    raw.close();
    store = SqliteConfigStore.open({ path, clock });
  });
});

describe('outbox', () => {
  it('queues one oc.config record per change, in commit order, keyed by kind and id, with the whole value', () => {
    const seen: number[] = [];
    store.onCommit(() => seen.push(store.pendingOutgoing(100).length));
    store.put('device', 'd1', { kind: 'door', secretHash: 'sha256$x$y' }, 0, admin);
    store.remove('device', 'd1', 1, admin);
    const rows = store.pendingOutgoing(100);
    expect(seen).toEqual([1, 2]);
    expect(rows.map((r) => [r.topic, r.key])).toEqual([
      ['oc.config', 'device:d1'],
      ['oc.config', 'device:d1'],
    ]);
    // Consumers (the gateway) need the hash to check logins; only the audit drops it.
    expect(decodeConfigEvent(rows[0]!.value)).toMatchObject({ v: 1, kind: 'device', id: 'd1', version: 1, op: 'create', value: { secretHash: 'sha256$x$y' } });
    expect(decodeConfigEvent(rows[1]!.value)).toMatchObject({ version: 2, op: 'delete', value: null });
    store.deleteOutgoing(rows[1]!.id);
    expect(store.pendingOutgoing(100)).toEqual([]);
  });

  it('refuses a record that is not a config change', () => {
    expect(() => decodeConfigEvent(Buffer.from('{"v":1,"kind":"nonsense"}'))).toThrow(expect.objectContaining({ code: 'OC_CONFIG_EVENT_INVALID' }) as Error);
    expect(() => decodeConfigEvent(Buffer.from('nope'))).toThrow(expect.objectContaining({ code: 'OC_CONFIG_EVENT_INVALID' }) as Error);
  });
});
