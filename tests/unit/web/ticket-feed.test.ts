import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../services/alerting/domain/tickets/types.ts';
import { TicketFeed } from '../../../services/web/src/logic/ticket-feed.ts';
import { ticketAt } from './fixtures.ts';

const T0 = Date.parse('2026-07-15T01:30:00+08:00');
const opened: TimelineEntry[] = [{ ticketId: 'T20260715-0001', seq: 1, at: T0, actor: { kind: 'system' }, action: 'opened', toState: 'open' }];

describe("the desk's copy of the tickets", () => {
  it('announces a ticket seen first with its opening, and only changes after that', () => {
    const feed = new TicketFeed();
    const t = ticketAt(T0);
    expect(feed.apply(t, opened).kind).toBe('arrived');
    expect(feed.apply({ ...t, state: 'acknowledged', version: 2 }, []).kind).toBe('changed');
    expect(feed.get(t.id)?.state).toBe('acknowledged');
  });

  it('keeps the newer version when the stream and a reload race', () => {
    const feed = new TicketFeed();
    const t = ticketAt(T0);
    feed.apply({ ...t, state: 'dispatched', version: 3 });
    expect(feed.apply({ ...t, state: 'acknowledged', version: 2 }).kind).toBe('ignored');
    expect(feed.apply({ ...t, state: 'dispatched', version: 3 }).kind).toBe('ignored');
    expect(feed.get(t.id)?.version).toBe(3);
  });

  it('a change to a ticket it never saw (opened before the page) is not an arrival', () => {
    const feed = new TicketFeed();
    expect(feed.apply({ ...ticketAt(T0), version: 4 }, []).kind).toBe('changed');
  });

  it('reports which tickets a reload brought that were not held before', () => {
    const feed = new TicketFeed();
    const a = ticketAt(T0, { id: 'T20260715-0001' });
    const b = ticketAt(T0, { id: 'T20260715-0002' });
    feed.reset([a]);
    expect(feed.reset([a, b]).map((t) => t.id)).toEqual(['T20260715-0002']);
    expect(feed.size).toBe(2);
  });
});
