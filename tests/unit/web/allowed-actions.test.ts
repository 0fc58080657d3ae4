import { describe, expect, it } from 'vitest';
import { allowedActions } from '../../../services/web/src/logic/allowed-actions.ts';
import { dispatchedTo, ticketAt } from './fixtures.ts';

const T0 = Date.parse('2026-07-15T01:30:00+08:00');

describe('the buttons a ticket gets', () => {
  it('gives the desk the next steps first and the final ones last', () => {
    expect(allowedActions(ticketAt(T0), { staffId: 'sun-li', role: 'operator' })).toEqual(['acknowledge', 'dispatch', 'escalate', 'transfer', 'comment', 'cancel']);
    expect(allowedActions({ ...ticketAt(T0), state: 'resolved' }, { staffId: 'liu-hongmei', role: 'manager' })).toEqual(['close', 'reopen', 'comment', 'cancel']);
  });

  it('gives staff only their own job: accept, on site, resolve, comment', () => {
    const mine = dispatchedTo('jiang-ming', ticketAt(T0));
    expect(allowedActions(mine, { staffId: 'jiang-ming', role: 'staff' })).toEqual(['accept', 'arrive', 'resolve', 'comment']);
    expect(allowedActions(mine, { staffId: 'kong-deming', role: 'staff' })).toEqual([]);
  });
});
