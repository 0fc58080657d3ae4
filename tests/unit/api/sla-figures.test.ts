import { describe, expect, it } from 'vitest';
import { median, missedDeadlines, slaFigures, type SlaTicket } from '../../../services/api/sla/sla-figures.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 0, 0);

/** A P1-like ticket opened at `openedAt` (+min): acknowledge in 5 min, arrive in 30, resolve in 240. */
function ticket(openedMin: number, state: SlaTicket['state'], milestones: Partial<Record<'ack' | 'arrive' | 'resolve' | 'cancel', number>> = {}, auto = false): SlaTicket {
  const at = (m: number | undefined) => (m === undefined ? undefined : T0 + m * MIN);
  const openedAt = T0 + openedMin * MIN;
  return {
    openedAt,
    state,
    deadlines: { acknowledgeBy: openedAt + 5 * MIN, arriveBy: openedAt + 30 * MIN, resolveBy: openedAt + 240 * MIN },
    milestones: { acknowledgedAt: at(milestones.ack), arrivedAt: at(milestones.arrive), resolvedAt: at(milestones.resolve), cancelledAt: at(milestones.cancel), ...(auto ? { autoResolved: true } : {}) },
  };
}

describe('missed deadlines', () => {
  it('counts a deadline met late, or still owed after it passed, and nothing that is not owed', () => {
    const now = T0 + 60 * MIN;
    expect(missedDeadlines(ticket(0, 'on_site', { ack: 2, arrive: 20 }), now)).toEqual([]);
    expect(missedDeadlines(ticket(0, 'on_site', { ack: 7, arrive: 20 }), now)).toEqual([T0 + 5 * MIN]);
    expect(missedDeadlines(ticket(0, 'open'), now)).toEqual([T0 + 5 * MIN, T0 + 30 * MIN]);
    expect(missedDeadlines(ticket(0, 'open'), T0 + 4 * MIN)).toEqual([]);
    // Cancelled before anything was due: nothing missed, nothing owed any more.
    expect(missedDeadlines(ticket(0, 'cancelled', { cancel: 3 }), now)).toEqual([]);
    // Cleared by itself after the acknowledge deadline, before anyone had to arrive.
    expect(missedDeadlines(ticket(0, 'resolved', { resolve: 10 }, true), now)).toEqual([T0 + 5 * MIN]);
  });
});

describe('SLA figures', () => {
  it('counts what happened inside the window', () => {
    const tickets = [
      ticket(0, 'resolved', { ack: 1, arrive: 10, resolve: 40 }),
      ticket(10, 'on_site', { ack: 13, arrive: 45 }),
      ticket(20, 'resolved', { resolve: 22 }, true),
      ticket(-100, 'resolved', { ack: -99, arrive: -80, resolve: 5 }),
      ticket(200, 'open'),
    ];
    const figures = slaFigures(tickets, T0, T0 + 120 * MIN, T0 + 120 * MIN);
    expect(figures).toEqual({
      opened: 3,
      resolved: 3,
      autoResolved: 1,
      // The second arrived late (45 > 40); the others met theirs; the last is not due yet.
      breached: 1,
      // Acknowledged in the window after 1 and 3 minutes.
      medianAckS: 120,
      // Resolved by a person in the window: after 40 and 105 minutes.
      medianResolveS: ((40 + 105) / 2) * 60,
    });
  });

  it('says null, not zero, when nothing was acknowledged or resolved', () => {
    expect(slaFigures([ticket(0, 'open')], T0, T0 + MIN, T0 + MIN)).toMatchObject({ opened: 1, medianAckS: null, medianResolveS: null });
  });

  it('takes the median of an even count as the mean of the middle two, in whole seconds', () => {
    expect(median([4000, 1000, 3000, 2000])).toBe(3);
    expect(median([1500])).toBe(2);
    expect(median([])).toBeNull();
  });
});
