import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LoopbackReceiver, type Behaviour, type ReceivedRequest } from '../../support/loopback-receiver.ts';
import { NotifierHarness } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * SMS through Aliyun's SendSms against a loopback receiver that checks the RPC
 * signature v1 the way Aliyun documents it (its own encoding, written here apart
 * from the adapter's): a dispatched P1 reaches the guard's phone from the roster; a
 * wrong secret is refused and given up. The phone number is never logged.
 */
const SECRET = 'aliyun-test-secret';
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function aliyunReceiver(secret: string) {
  return (r: ReceivedRequest): Behaviour => {
    const params = Object.fromEntries(new URLSearchParams(r.body));
    const { Signature, ...rest } = params;
    const canonical = Object.keys(rest).sort().map((k) => `${enc(k)}=${enc(rest[k]!)}`).join('&');
    const expected = createHmac('sha1', `${secret}&`).update(`POST&${enc('/')}&${enc(canonical)}`).digest('base64');
    if (Signature !== expected) return { status: 400, body: JSON.stringify({ Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched' }) };
    if (rest.Action !== 'SendSms' || rest.Version !== '2017-05-25' || rest.SignatureMethod !== 'HMAC-SHA1') return { status: 400, body: '{"Code":"InvalidParameter"}' };
    return { status: 200, body: JSON.stringify({ Code: 'OK', Message: 'OK', BizId: '1', RequestId: 'r' }) };
  };
}

let aliyun: LoopbackReceiver;
let h: NotifierHarness | undefined;
beforeEach(async () => {
  aliyun = await LoopbackReceiver.start();
  aliyun.respond = aliyunReceiver(SECRET);
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await aliyun.close();
});

async function start(secret: string): Promise<NotifierHarness> {
  const file = join(tmpdir(), `oc-channels-sms-${process.pid}.yaml`);
  writeFileSync(file, `sms: { provider: aliyun, endpoint: "${aliyun.url}/", accessKeyId: LTAItest, accessKeySecret: "${secret}", signName: 甸柳八区物业, templateCode: SMS_0001 }\n`);
  return NotifierHarness.start({ OC_NOTIFY_CHANNELS_FILE: file });
}

it('texts a dispatched P1 to the guard’s phone from the roster, signed as Aliyun checks', async () => {
  h = await start(SECRET);
  const n = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' } });
  await pollUntil('the SMS delivered', () => h!.receipts.forTicket(n.ticketId).find((d) => d.channel === 'sms')?.status === 'delivered');
  const params = Object.fromEntries(new URLSearchParams(aliyun.requests[0]!.body));
  expect(params).toMatchObject({ PhoneNumbers: '13900000201', SignName: '甸柳八区物业', TemplateCode: 'SMS_0001', AccessKeyId: 'LTAItest' });
  expect(JSON.parse(params.TemplateParam!)).toMatchObject({ ticket: n.ticketId });
  expect(h.logText()).not.toContain('13900000201');
  // P2 and lower are not texted by default.
  const p2 = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' }, priority: 'P2' });
  await pollUntil('the P2 given up as unreachable', () => h!.receipts.forTicket(p2.ticketId).find((d) => d.channel === 'none'));
});

it('gives up when Aliyun refuses the signature (wrong secret)', async () => {
  h = await start('wrong-secret');
  const n = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' } });
  const d = await pollUntil('the SMS given up', () => {
    const x = h!.receipts.forTicket(n.ticketId).find((y) => y.channel === 'sms');
    return x?.status === 'given-up' ? x : undefined;
  });
  expect(d.reason).toBe('OC_NOTIFY_REFUSED: Aliyun SMS answered SignatureDoesNotMatch');
  expect(aliyun.requests).toHaveLength(1);
  expect(h.logText()).not.toContain('wrong-secret');
});
