import { describe, expect, it } from 'vitest';
import { boardOrder, filterFromQuery, filterToQuery, matchesFilter } from '../../../services/web/src/logic/board.ts';
import { ticketAt } from './fixtures.ts';

const T0 = Date.parse('2026-07-15T01:30:00+08:00');
const MIN = 60_000;

describe('the board', () => {
  const door = ticketAt(T0, { id: 'T20260715-0001' });
  const drain = ticketAt(T0 - 20 * MIN, {
    id: 'T20260715-0002',
    category: 'drainage',
    priority: 'P2',
    subject: { ...door.subject, deviceId: 'dl8-drain-m3', buildingId: undefined, placeId: 'm3' },
    deadlines: { acknowledgeBy: T0 - 5 * MIN, arriveBy: T0 + 40 * MIN, resolveBy: T0 + 220 * MIN },
  });
  const lateP1 = ticketAt(T0 - 10 * MIN, { id: 'T20260715-0003' });
  const done = ticketAt(T0, { id: 'T20260715-0004', state: 'closed' });
  const elsewhere = ticketAt(T0, { id: 'T20260715-0005', subject: { ...door.subject, communityId: 'dianliu-3', compoundId: 'dl3' } });

  it('shows what still needs someone, most urgent first: priority, then the least time left', () => {
    const rows = boardOrder([door, drain, lateP1, done], { states: [] }, T0 + MIN);
    expect(rows.map((t) => t.id)).toEqual(['T20260715-0003', 'T20260715-0001', 'T20260715-0002']);
  });

  it('filters by community, compound, category and state', () => {
    expect(matchesFilter(elsewhere, { communityId: 'dianliu-8', states: [] })).toBe(false);
    expect(matchesFilter(elsewhere, { compoundId: 'dl3', states: [] })).toBe(true);
    expect(matchesFilter(drain, { category: 'security', states: [] })).toBe(false);
    expect(matchesFilter(done, { states: [] })).toBe(false);
    expect(matchesFilter(done, { states: ['closed'] })).toBe(true);
  });

  it('keeps the filters in the URL and ignores what it does not know', () => {
    const f = { communityId: 'dianliu-8', category: 'drainage' as const, states: ['open' as const, 'acknowledged' as const] };
    expect(filterFromQuery(filterToQuery(f))).toEqual(f);
    expect(filterFromQuery('category=fireworks&state=sleeping,open')).toEqual({ states: ['open'] });
    expect(filterToQuery({ states: [] })).toBe('');
  });
});
