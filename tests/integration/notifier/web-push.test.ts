import { statSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { NotifierHarness } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { TestSubscriber, verifyVapid } from '../../support/test-push-service.ts';
import { selfSignedCert } from '../../support/self-signed-cert.ts';

/**
 * Web Push against a loopback push service that does what a real one does: checks the
 * VAPID JWT (ES256, audience, expiry) and hands the aes128gcm body to the "browser",
 * which decrypts it with the subscription's keys. A 410 deletes the subscription.
 */
let push: LoopbackReceiver;
let h: NotifierHarness;
beforeEach(async () => {
  const tls = selfSignedCert();
  push = await LoopbackReceiver.start(tls);
  h = await NotifierHarness.start({ OC_VAPID_SUBJECT: 'mailto:ops@example.org' }, new Agent({ ca: tls.cert }));
});
afterEach(async () => {
  await h.close();
  await push.close();
});

function subscribe(staffId: string, id: string): TestSubscriber {
  const browser = new TestSubscriber();
  h.notifier.store.putSubscription({ id, staffId, endpoint: `${push.url}/wpush/${id}`, keys: browser.keys, label: 'test phone', createdAt: 0 });
  return browser;
}

it('pushes a dispatch VAPID-signed and encrypted for the subscription, with the title and Accept/Open', async () => {
  const browser = subscribe('chen-gang', 'sub-1');
  push.respond = (r) => {
    const check = verifyVapid(r, push.url, Math.floor(Date.now() / 1000));
    return check.ok ? { status: 201 } : { status: 401, body: check.reason };
  };
  const n = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' }, message: { zh: '派单（P1）：1号楼1单元门被强行打开', en: 'Dispatched (P1): door forced at b1 u1' } });
  await pollUntil('the push delivered', () => h.receipts.forTicket(n.ticketId).find((d) => d.channel === 'push')?.status === 'delivered');
  const req = push.requests[0]!;
  expect(req.url).toBe('/wpush/sub-1');
  expect(req.headers.urgency).toBe('high');
  const check = verifyVapid(req, push.url, Math.floor(Date.now() / 1000));
  expect(check).toMatchObject({ ok: true, sub: 'mailto:ops@example.org', publicKey: h.notifier.vapidPublicKey });
  const payload = JSON.parse(browser.decrypt(req.raw)) as Record<string, unknown>;
  expect(payload).toMatchObject({ ticketId: n.ticketId, title: '派单（P1）：1号楼1单元门被强行打开', actions: ['accept', 'open'], url: `http://localhost:8080/#/ticket/${n.ticketId}` });

  // The key pair was made on first start, private key readable by the owner only, and is never logged.
  const vapid = join(h.dir, 'vapid.json');
  expect(statSync(vapid).mode & 0o777).toBe(0o600);
  const { privateKey } = JSON.parse(readFileSync(vapid, 'utf8')) as { privateKey: string };
  expect(h.logText()).not.toContain(privateKey);
});

it('deletes a subscription the push service says is gone (410) and shows it given up', async () => {
  subscribe('chen-gang', 'sub-gone');
  push.respond = () => ({ status: 410 });
  const n = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' } });
  const d = await pollUntil('the push given up', () => {
    const x = h.receipts.forTicket(n.ticketId).find((y) => y.channel === 'push');
    return x?.status === 'given-up' ? x : undefined;
  });
  expect(d.reason, JSON.stringify(d.history)).toBe('OC_NOTIFY_SUBSCRIPTION_GONE: push service answered HTTP 410');
  expect(h.notifier.store.subscriptionsOf('chen-gang')).toEqual([]);
  expect(push.requests).toHaveLength(1);
});
