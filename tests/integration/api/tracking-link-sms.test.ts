import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { multipartBody } from '../../support/multipart-body.ts';
import { NotifierHarness } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * Issue 16: a resident who leaves a callback phone gets the tracking link by SMS, through
 * the notification port (TrackingLinkSender) into the notifier's Aliyun channel with its
 * tracking template, here against a loopback Aliyun. No phone, no SMS; a desk-logged call
 * has no tracking link; a notifier whose SMS channel has no tracking template texts none.
 * Neither the link (the resident's secret) nor the phone is in the logs.
 */
let aliyun: LoopbackReceiver;
let notifier: NotifierHarness | undefined;
let h: AlertingHarness | undefined;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-tracking-sms-'));
  aliyun = await LoopbackReceiver.start();
  aliyun.respond = () => ({ status: 200, body: JSON.stringify({ Code: 'OK', Message: 'OK', BizId: '1', RequestId: 'r' }) });
});
afterEach(async () => {
  await h?.close();
  await notifier?.close();
  h = undefined;
  notifier = undefined;
  await aliyun.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(smsLine: string): Promise<AlertingHarness> {
  const path = join(dir, 'channels.yaml');
  writeFileSync(path, `sms: { provider: aliyun, endpoint: "${aliyun.url}/", accessKeyId: LTAItest, accessKeySecret: s3cret, signName: 甸柳八区物业, templateCode: SMS_0001${smsLine} }\n`);
  notifier = await NotifierHarness.start({ OC_NOTIFY_CHANNELS_FILE: path, OC_PUBLIC_URL: 'https://wuye.example.cn' });
  const sms = notifier.notifier.trackingLinks;
  return AlertingHarness.start(new ManualClock(Date.now()), sms ? { reports: { sms } } : {});
}

const residentReport = (app: AlertingHarness['api']['app'], fields: Record<string, string>) => app.inject({ method: 'POST', url: '/report/b1-u1', remoteAddress: '10.0.5.1', ...multipartBody({ category: 'lighting', description: '楼道灯不亮', ...fields }) });
const trackingPathOf = (html: string) => /data-testid="tracking-link" href="([^"?]+)/.exec(html)![1]!;

it('texts the tracking link to the callback phone through the SMS channel, and only then', async () => {
  h = await start(', trackingTemplateCode: SMS_TRACK');
  const sent = await residentReport(h.api.app, { phone: '13800004444' });
  expect(sent.statusCode).toBe(201);
  const path = trackingPathOf(sent.body);
  await pollUntil('the tracking SMS at Aliyun', () => aliyun.requests.length === 1);
  const params = Object.fromEntries(new URLSearchParams(aliyun.requests[0]!.body));
  expect(params).toMatchObject({ Action: 'SendSms', PhoneNumbers: '13800004444', TemplateCode: 'SMS_TRACK', SignName: '甸柳八区物业' });
  expect(JSON.parse(params.TemplateParam!)).toEqual({ link: `https://wuye.example.cn${path}` });
  // The link it texted is the resident's working link.
  expect((await h.api.app.inject({ url: path })).statusCode).toBe(200);
  await pollUntil('the send logged', () => notifier!.logText().includes('tracking link sent by SMS'));
  expect(notifier!.logText()).not.toContain('13800004444');
  expect(notifier!.logText()).not.toContain(path.slice('/track/'.length));

  // No phone: nothing to text. A desk-logged call: no tracking link at all.
  expect((await residentReport(h.api.app, {})).statusCode).toBe(201);
  const desk = await ApiUser.signIn(h.api.app, 'desk');
  expect((await desk.post('/api/tickets', { actionId: 'call-sms-0001', placeId: 'b1-u2', category: 'lift', description: '电梯困人', callerPhone: '13900005555' })).statusCode).toBe(201);
  // The next SMS is the next resident's with a phone: the two reports before it texted nothing.
  const last = await residentReport(h.api.app, { phone: '13800006666' });
  await pollUntil('the second tracking SMS', () => aliyun.requests.length === 2);
  expect(Object.fromEntries(new URLSearchParams(aliyun.requests[1]!.body)).PhoneNumbers).toBe('13800006666');
  expect(JSON.parse(Object.fromEntries(new URLSearchParams(aliyun.requests[1]!.body)).TemplateParam!).link).toContain(trackingPathOf(last.body));
});

it('texts nothing when the SMS channel has no tracking template, and the report still goes in', async () => {
  h = await start('');
  expect(notifier!.notifier.trackingLinks).toBeUndefined();
  expect((await residentReport(h.api.app, { phone: '13800007777' })).statusCode).toBe(201);
  // A ticket notification still goes out by SMS, so the channel itself is on: only tracking links are off.
  const n = await notifier!.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' } });
  await pollUntil('the dispatch SMS delivered', () => notifier!.receipts.forTicket(n.ticketId).find((d) => d.channel === 'sms')?.status === 'delivered');
  expect(aliyun.requests.map((r) => Object.fromEntries(new URLSearchParams(r.body)).TemplateCode)).toEqual(['SMS_0001']);
});
