import { describe, expect, it } from 'vitest';
import { AMBER_MIN_MS, formatCountdown, runningStage, slaClock } from '../../../services/web/src/logic/sla.ts';
import { dispatchedTo, ticketAt } from './fixtures.ts';

const T0 = Date.parse('2026-07-15T01:30:00+08:00');
const MIN = 60_000;

describe('the SLA clock on the board', () => {
  it('runs the deadline the ticket state owes: acknowledge, then arrive, then resolve; none once done', () => {
    const open = ticketAt(T0);
    expect(runningStage(open)).toBe('acknowledge');
    const dispatched = dispatchedTo('jiang-ming', open);
    expect(runningStage(dispatched)).toBe('arrive');
    expect(runningStage({ ...dispatched, state: 'on_site', milestones: { arrivedAt: T0 + 9 * MIN } })).toBe('resolve');
    // Moved back to dispatched after someone was already there (a transfer): arrival is met, resolve runs.
    expect(runningStage({ ...dispatched, milestones: { arrivedAt: T0 + 9 * MIN } })).toBe('resolve');
    expect(slaClock({ ...open, state: 'resolved' }, T0)).toBeUndefined();
    expect(slaClock({ ...open, state: 'cancelled' }, T0)).toBeUndefined();
  });

  it('counts down, turns amber in the last quarter (at least a minute) and red when late', () => {
    // A 30-minute arrive window: amber from 7.5 minutes left.
    const t = dispatchedTo('jiang-ming', ticketAt(T0));
    expect(slaClock(t, T0 + 10 * MIN)).toMatchObject({ stage: 'arrive', remainingMs: 20 * MIN, tone: 'ok' });
    expect(slaClock(t, T0 + 22 * MIN)?.tone).toBe('ok');
    expect(slaClock(t, T0 + 23 * MIN)?.tone).toBe('amber');
    expect(slaClock(t, T0 + 30 * MIN)?.tone).toBe('red');
    expect(slaClock(t, T0 + 31 * MIN)).toMatchObject({ remainingMs: -MIN, tone: 'red' });
    // A 2-minute window still warns for a whole minute, not 30 s.
    const short = ticketAt(T0, { deadlines: { acknowledgeBy: T0 + 2 * MIN, arriveBy: T0 + 10 * MIN, resolveBy: T0 + 60 * MIN } });
    expect(slaClock(short, T0 + 2 * MIN - AMBER_MIN_MS)?.tone).toBe('amber');
    expect(slaClock(short, T0 + 2 * MIN - AMBER_MIN_MS - 1000)?.tone).toBe('ok');
  });

  it('formats minutes, hours and lateness in whole seconds', () => {
    expect(formatCountdown(4 * MIN + 56_400)).toBe('4:56');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(-42_000)).toBe('-0:42');
    expect(formatCountdown(0)).toBe('0:00');
  });
});
