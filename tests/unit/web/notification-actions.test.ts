import { describe, expect, it } from 'vitest';
import { NotificationActions, outcomeOf, type PostOutcome } from '../../../services/web/src/sw/notification-actions.ts';
import { notificationFor, parsePushMessage, ticketInUrlHash, ticketPageUrl, type NotificationData } from '../../../services/web/src/sw/push-message.ts';
import { MemoryOutbox } from '../../../services/web/src/sw/sw-outbox.ts';

const DISPATCH = { deliveryId: 'n1|push|person:chen-gang|sub-1', ticketId: 'T20261207-0007', lang: 'zh', canAccept: true } satisfies NotificationData;

/** A server the test answers for: every request is recorded; `answer` decides what it came to. */
function rig(answer: (path: string, body: unknown) => PostOutcome = () => ({ kind: 'done' })) {
  const sent: { path: string; body: Record<string, unknown> }[] = [];
  const opened: string[] = [];
  const refusals: string[] = [];
  const outbox = new MemoryOutbox();
  let ids = 0;
  let t = 1_000;
  const server = { answer };
  const actions = new NotificationActions({
    outbox,
    post: async (path, body) => {
      sent.push({ path, body: body as Record<string, unknown> });
      return server.answer(path, body);
    },
    newId: () => `action-${++ids}`,
    now: () => (t += 1),
    open: async (url) => void opened.push(url),
    refused: async (ticketId, lang, message) => void refusals.push(`${lang} ${ticketId}: ${message}`),
  });
  return { actions, outbox, sent, opened, refusals, server };
}

describe('a tap on a notification', () => {
  it('Accept sends the accept action with an id made at the tap, then the "accepted from the notification" receipt', async () => {
    const r = rig();
    await r.actions.click(DISPATCH, 'accept');
    expect(r.sent).toEqual([
      { path: '/api/tickets/T20261207-0007/accept', body: { actionId: 'action-1' } },
      { path: '/api/push/receipts', body: { deliveryId: DISPATCH.deliveryId, status: 'accepted' } },
    ]);
    expect(r.opened).toEqual([]);
    expect(await r.outbox.all()).toEqual([]);
  });

  it('Accept with no signal is kept and sent later with the same action id, so the server applies it once', async () => {
    const r = rig(() => ({ kind: 'retry', message: 'Failed to fetch' }));
    await r.actions.click(DISPATCH, 'accept');
    const kept = await r.outbox.all();
    expect(kept).toMatchObject([{ kind: 'action', actionId: 'action-1', ticketId: DISPATCH.ticketId, attempts: 1, lastError: 'Failed to fetch' }]);

    r.server.answer = () => ({ kind: 'done' });
    await r.actions.flush();
    expect(r.sent.map((s) => s.body.actionId ?? s.body.status)).toEqual(['action-1', 'action-1', 'accepted']);
    expect(await r.outbox.all()).toEqual([]);
  });

  it('an Accept the server refuses for good (the desk moved the ticket on) is dropped, said in the person’s language, and no receipt claims it', async () => {
    const r = rig((path) => (path.endsWith('/accept') ? { kind: 'refused', message: 'ticket is resolved' } : { kind: 'done' }));
    await r.actions.click({ ...DISPATCH, lang: 'en' }, 'accept');
    expect(r.refusals).toEqual(['en T20261207-0007: ticket is resolved']);
    expect(r.sent.map((s) => s.path)).toEqual(['/api/tickets/T20261207-0007/accept']);
    expect(await r.outbox.all()).toEqual([]);
  });

  it('Open, or a tap on the notification itself, opens the ticket on the phone page and reports "opened"', async () => {
    for (const action of ['open', '']) {
      const r = rig();
      await r.actions.click(DISPATCH, action);
      expect(r.opened).toEqual(['/m#/ticket/T20261207-0007']);
      expect(r.sent).toEqual([{ path: '/api/push/receipts', body: { deliveryId: DISPATCH.deliveryId, status: 'clicked' } }]);
    }
  });

  it('Accept on a notification that is no dispatch (a reminder, an escalation) only opens', async () => {
    const r = rig();
    await r.actions.click({ ...DISPATCH, canAccept: false }, 'accept');
    expect(r.opened).toHaveLength(1);
    expect(r.sent.map((s) => s.path)).toEqual(['/api/push/receipts']);
  });

  it('a receipt that cannot go now waits in the outbox behind nothing and goes on the next flush', async () => {
    const r = rig(() => ({ kind: 'retry', message: 'offline' }));
    await r.actions.click(DISPATCH, 'open');
    expect(await r.outbox.all()).toMatchObject([{ kind: 'receipt', status: 'clicked', attempts: 1 }]);
    r.server.answer = () => ({ kind: 'done' });
    await r.actions.flush();
    expect(await r.outbox.all()).toEqual([]);
  });
});

describe('answers as outcomes', () => {
  it('retries what got no answer worth believing, drops what the server refused', async () => {
    const res = (status: number, body = '') => new Response(body || null, { status });
    expect(await outcomeOf(res(200, '{}'))).toEqual({ kind: 'done' });
    for (const status of [401, 408, 429, 500, 503]) expect((await outcomeOf(res(status))).kind, String(status)).toBe('retry');
    expect(await outcomeOf(res(409, JSON.stringify({ code: 'OC_TICKET_BAD_TRANSITION', message: 'ticket is resolved' })))).toEqual({ kind: 'refused', message: 'ticket is resolved' });
    expect(await outcomeOf(res(404, 'not json'))).toEqual({ kind: 'refused', message: 'HTTP 404' });
  });
});

describe('the notification a push shows', () => {
  const push = (over: Record<string, unknown> = {}) =>
    JSON.stringify({
      v: 1,
      deliveryId: 'd1',
      ticketId: 'T20261207-0007',
      kind: 'ticket.dispatched',
      priority: 'P1',
      lang: 'zh',
      title: '派单（P1）：1号楼1单元门被强行打开',
      message: { zh: '派单（P1）：1号楼1单元门被强行打开', en: 'Dispatched (P1): door forced at b1 u1' },
      url: 'http://localhost:8080/#/ticket/T20261207-0007',
      actions: ['accept', 'open'],
      ...over,
    });

  it('has the title in the person’s language, the other language below, and Accept and Open in theirs', () => {
    const zh = notificationFor(parsePushMessage(push())!);
    expect(zh.title).toBe('派单（P1）：1号楼1单元门被强行打开');
    expect(zh.options.body).toBe('P1 · T20261207-0007\nDispatched (P1): door forced at b1 u1');
    expect(zh.options.actions).toEqual([
      { action: 'accept', title: '接单' },
      { action: 'open', title: '查看' },
    ]);
    expect(zh.options).toMatchObject({ tag: 'ticket-T20261207-0007', requireInteraction: true, data: { deliveryId: 'd1', canAccept: true, lang: 'zh' } });

    const en = notificationFor(parsePushMessage(push({ lang: 'en', title: 'Dispatched (P1): door forced at b1 u1' }))!);
    expect(en.options.actions.map((a) => a.title)).toEqual(['Accept', 'Open']);
    expect(en.options.lang).toBe('en');
  });

  it('offers Accept only on a dispatch, and keeps a P3 from staying on screen', () => {
    const n = notificationFor(parsePushMessage(push({ kind: 'ticket.reminder', priority: 'P3', actions: ['open'] }))!);
    expect(n.options.actions.map((a) => a.action)).toEqual(['open']);
    expect(n.options.requireInteraction).toBe(false);
    expect(n.options.data.canAccept).toBe(false);
  });

  it('reads nothing from a push it does not know', () => {
    for (const text of [null, '', 'not json', '{"v":2}', JSON.stringify({ v: 1, ticketId: 'x' })]) expect(parsePushMessage(text), String(text)).toBeNull();
  });

  it('links to the ticket on the phone page and reads the link back', () => {
    expect(ticketPageUrl('T20261207-0007')).toBe('/m#/ticket/T20261207-0007');
    expect(ticketInUrlHash('#/ticket/T20261207-0007')).toBe('T20261207-0007');
    expect(ticketInUrlHash('#/board')).toBeUndefined();
  });
});
