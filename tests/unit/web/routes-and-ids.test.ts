import { describe, expect, it } from 'vitest';
import { randomId } from '../../../services/web/src/logic/ids.ts';
import { hrefOf, parseHash, type DeskRoute } from '../../../services/web/src/logic/routes.ts';

describe('desk routes', () => {
  it('reads and writes every view', () => {
    const routes: DeskRoute[] = [{ view: 'board', query: '' }, { view: 'board', query: 'category=drainage' }, { view: 'ticket', id: 'T20260715-0001' }, { view: 'site' }, { view: 'site', selected: 'm3' }, { view: 'shift' }, { view: 'reports' }, { view: 'people' }, { view: 'log-call' }, { view: 'log-call', place: 'b1-u1' }];
    for (const r of routes) expect(parseHash(hrefOf(r))).toEqual(r);
    expect(parseHash('')).toEqual({ view: 'board', query: '' });
    expect(parseHash('#/nonsense')).toEqual({ view: 'board', query: '' });
  });
});

describe('action ids', () => {
  it('are version-4 UUIDs even where randomUUID is missing (plain-HTTP pages)', () => {
    const withoutRandomUUID = { getRandomValues: globalThis.crypto.getRandomValues.bind(globalThis.crypto) };
    const ids = new Set(Array.from({ length: 50 }, () => randomId(withoutRandomUUID)));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
