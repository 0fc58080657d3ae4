import { describe, expect, it } from 'vitest';
import { nextStep, projectPending } from '../../../services/web/src/logic/phone-view.ts';
import type { QueuedAction } from '../../../services/web/src/logic/action-queue.ts';
import { dispatchedTo, ticketAt } from './fixtures.ts';

const T0 = Date.parse('2026-07-15T01:30:00+08:00');
const queued = (action: QueuedAction['action'], ticketId = 'T20260715-0001'): QueuedAction => ({ actionId: `id-${action}`, ticketId, action, queuedAt: T0 + 5 * 60_000, attempts: 1 });

describe('the phone card', () => {
  it('offers the next step of the job: accept, then on site, then resolve', () => {
    const t = dispatchedTo('jiang-ming', ticketAt(T0));
    expect(nextStep(t)).toBe('accept');
    expect(nextStep(dispatchedTo('jiang-ming', ticketAt(T0), T0 + 60_000))).toBe('arrive');
    expect(nextStep({ ...t, state: 'on_site' })).toBe('resolve');
    expect(nextStep({ ...t, state: 'resolved' })).toBeUndefined();
  });

  it('shows taps still in the outbox as done, for that ticket only', () => {
    const t = dispatchedTo('jiang-ming', ticketAt(T0));
    const accepted = projectPending(t, [queued('accept')]);
    expect(accepted.assignment).toMatchObject({ acceptedAt: T0 + 5 * 60_000 });
    expect(nextStep(accepted)).toBe('arrive');
    expect(projectPending(t, [queued('accept'), queued('arrive'), queued('resolve')]).state).toBe('resolved');
    expect(projectPending(t, [queued('arrive', 'T20260715-0009')])).toBe(t);
  });
});
