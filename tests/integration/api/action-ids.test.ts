import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';

const DAY = 24 * 3_600_000;
let h: AlertingHarness;
let clock: ManualClock;
let desk: ApiUser;
let plumber: ApiUser;
let ticket: Ticket;

/** Entries of one action kind in the ticket's timeline, as the desk sees it. */
async function entries(action: string): Promise<unknown[]> {
  return ((await desk.get(`/api/tickets/${ticket.id}`)).json().timeline as Array<{ action: string }>).filter((e) => e.action === action);
}

beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  [desk, plumber] = await Promise.all([ApiUser.signIn(h.api.app, 'desk'), ApiUser.signIn(h.api.app, 'plumber')]);
  const opened = h.ticketWhere((t) => t.alertType === 'door.forced-open');
  await h.event('dl8-b3-u2-door', 'door.forced-open');
  ticket = await opened;
});
afterEach(async () => h.close());

describe('action ids', () => {
  it('applies a repeated action once and answers the repeat with the first status and body', async () => {
    const first = await desk.act(ticket.id, 'acknowledge', { note: 'seen on camera' }, 'desk-0001-ack');
    const again = await desk.act(ticket.id, 'acknowledge', { note: 'seen on camera' }, 'desk-0001-ack');
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await entries('acknowledged')).toHaveLength(1);
  });

  it('answers a repeat of a refused action with the same refusal, even once the action would now succeed', async () => {
    const dispatched = await desk.act(ticket.id, 'dispatch', { staffId: 'kong-deming', teamId: 'plumbing' }, 'desk-0002-dispatch');
    expect(dispatched.statusCode).toBe(200);
    const close = await desk.act(ticket.id, 'close', {}, 'desk-0003-close');
    expect(close.json()).toMatchObject({ code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: 'dispatched' });
    await plumber.act(ticket.id, 'resolve', { note: 'done' });
    const repeat = await desk.act(ticket.id, 'close', {}, 'desk-0003-close');
    expect(repeat.statusCode).toBe(409);
    expect(repeat.json()).toEqual(close.json());
    expect((await desk.get(`/api/tickets/${ticket.id}`)).json().ticket.state).toBe('resolved');
  });

  it('refuses the same action id with a different body, action or person with 409 OC_API_ACTION_ID_REUSED', async () => {
    expect((await desk.act(ticket.id, 'comment', { note: 'calling the resident' }, 'phone-7f3a-0001')).statusCode).toBe(200);
    const variants = [
      () => desk.act(ticket.id, 'comment', { note: 'calling the police' }, 'phone-7f3a-0001'),
      () => desk.act(ticket.id, 'escalate', {}, 'phone-7f3a-0001'),
      () => ApiUser.signIn(h.api.app, 'manager').then((m) => m.act(ticket.id, 'comment', { note: 'calling the resident' }, 'phone-7f3a-0001')),
    ];
    for (const variant of variants) {
      const res = await variant();
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'OC_API_ACTION_ID_REUSED', field: 'body.actionId' });
    }
    expect(await entries('commented')).toHaveLength(1);
    expect(await entries('escalated')).toHaveLength(0);
  });

  it('treats a reordered body as the same request', async () => {
    const body = { note: 'to the police', to: { kind: 'department', departmentId: 'public-security' } };
    const reordered = { to: { departmentId: 'public-security', kind: 'department' }, note: 'to the police' };
    expect((await desk.act(ticket.id, 'transfer', body, 'desk-0004-tr')).statusCode).toBe(200);
    expect((await desk.act(ticket.id, 'transfer', reordered, 'desk-0004-tr')).statusCode).toBe(200);
    expect(await entries('transferred')).toHaveLength(1);
  });

  it('remembers action ids across a restart of the API, for at least 7 days', async () => {
    const first = await desk.act(ticket.id, 'comment', { note: 'queued on the phone' }, 'phone-aaaa-0001');
    await h.stopAlerting();
    clock.advance(7 * DAY - 60_000);
    await h.startAlerting(clock);
    desk = await ApiUser.signIn(h.api.app, 'desk');
    const retry = await desk.act(ticket.id, 'comment', { note: 'queued on the phone' }, 'phone-aaaa-0001');
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    expect(await entries('commented')).toHaveLength(1);
  });

  it('requires an action id', async () => {
    const res = await desk.post(`/api/tickets/${ticket.id}/acknowledge`, {});
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'body.actionId' });
    expect(await entries('acknowledged')).toHaveLength(0);
  });
});
