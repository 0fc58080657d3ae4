import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LoopbackReceiver, type Behaviour, type ReceivedRequest } from '../../support/loopback-receiver.ts';
import { NotifierHarness } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * Group robots against loopback receivers that check what the real ones check:
 * DingTalk's timestamp/sign query parameters, WeCom's key in the URL and 4096-byte
 * markdown, Feishu's signed body. A receiver refusing the signature is given up, not retried.
 */
const DING_SECRET = 'SECdingtalk-test-secret';
const FEISHU_SECRET = 'feishu-test-secret';

/** DingTalk's own check: sign = Base64(HMAC-SHA256(secret, "<timestamp>\n<secret>")) within an hour. */
function dingtalkReceiver(secret: string) {
  return (r: ReceivedRequest): Behaviour => {
    const u = new URL(r.url, 'http://x');
    const ts = u.searchParams.get('timestamp') ?? '';
    const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
    if (u.searchParams.get('access_token') !== 'ding-token' || u.searchParams.get('sign') !== expected || Math.abs(Date.now() - Number(ts)) > 3_600_000) {
      return { status: 200, body: JSON.stringify({ errcode: 310000, errmsg: 'sign not match' }) };
    }
    const body = JSON.parse(r.body) as { msgtype: string; markdown: { title: string; text: string } };
    return body.msgtype === 'markdown' && body.markdown.text.length > 0 ? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' } : { status: 200, body: '{"errcode":40035}' };
  };
}

/** Feishu's check: sign = Base64(HMAC-SHA256(key "<timestamp>\n<secret>", "")). */
function feishuReceiver(secret: string) {
  return (r: ReceivedRequest): Behaviour => {
    const body = JSON.parse(r.body) as { timestamp: string; sign: string; msg_type: string };
    const expected = createHmac('sha256', `${body.timestamp}\n${secret}`).update('').digest('base64');
    if (body.sign !== expected) return { status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' };
    return { status: 200, body: '{"code":0,"msg":"success"}' };
  };
}

let ding: LoopbackReceiver;
let wecom: LoopbackReceiver;
let feishu: LoopbackReceiver;
let h: NotifierHarness | undefined;
beforeEach(async () => {
  [ding, wecom, feishu] = await Promise.all([LoopbackReceiver.start(), LoopbackReceiver.start(), LoopbackReceiver.start()]);
  ding.respond = dingtalkReceiver(DING_SECRET);
  feishu.respond = feishuReceiver(FEISHU_SECRET);
  wecom.respond = (r) => (new URL(r.url, 'http://x').searchParams.get('key') === 'wecom-key' ? { status: 200, body: '{"errcode":0,"errmsg":"ok"}' } : { status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' });
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all([ding.close(), wecom.close(), feishu.close()]);
});

const env = (dingSecret = DING_SECRET, feishuSecret = FEISHU_SECRET) => ({
  OC_NOTIFY_DINGTALK_URL: `${ding.url}/robot/send?access_token=ding-token`,
  OC_NOTIFY_DINGTALK_SECRET: dingSecret,
  OC_NOTIFY_WECOM_URL: `${wecom.url}/cgi-bin/webhook/send?key=wecom-key`,
  OC_NOTIFY_FEISHU_URL: `${feishu.url}/open-apis/bot/v2/hook/abc`,
  OC_NOTIFY_FEISHU_SECRET: feishuSecret,
});
const status = (ticketId: string, channel: string) => h!.receipts.forTicket(ticketId).find((d) => d.channel === channel)?.status;

describe('group robots', () => {
  it('post a P1 opening to DingTalk, WeCom and Feishu as signed markdown with the ticket link', async () => {
    h = await NotifierHarness.start(env());
    const n = await h.publish();
    await pollUntil('all three robots delivered', () => ['dingtalk', 'wecom', 'feishu'].every((c) => status(n.ticketId, c) === 'delivered'));
    const d = JSON.parse(ding.requests[0]!.body) as { markdown: { text: string } };
    expect(d.markdown.text).toContain(n.message.zh);
    expect(d.markdown.text).toContain(n.message.en);
    expect(d.markdown.text).toContain(`(http://localhost:8080/#/ticket/${n.ticketId})`);
    const w = JSON.parse(wecom.requests[0]!.body) as { msgtype: string; markdown: { content: string } };
    expect(w.msgtype).toBe('markdown');
    expect(Buffer.byteLength(w.markdown.content)).toBeLessThanOrEqual(4096);
    const f = JSON.parse(feishu.requests[0]!.body) as { msg_type: string; card: { elements: { content: string }[] } };
    expect(f.msg_type).toBe('interactive');
    expect(f.card.elements[0]!.content).toContain(n.message.zh);
  });

  it('keep P3/P4 out of the group by default', async () => {
    h = await NotifierHarness.start(env());
    const low = await h.publish({ priority: 'P3' });
    const high = await h.publish({ priority: 'P2' });
    await pollUntil('the P2 in the group', () => status(high.ticketId, 'wecom') === 'delivered');
    expect(status(low.ticketId, 'wecom')).toBeUndefined();
    expect(wecom.requests.every((r) => !r.body.includes(low.ticketId))).toBe(true);
  });

  it('give up at once when the robot refuses the signature (wrong secret), saying so on the ticket and in the log', async () => {
    h = await NotifierHarness.start(env('SECwrong-secret', 'wrong-feishu'));
    const n = await h.publish();
    await pollUntil('both signed robots given up', () => status(n.ticketId, 'dingtalk') === 'given-up' && status(n.ticketId, 'feishu') === 'given-up');
    const d = h.receipts.forTicket(n.ticketId).find((x) => x.channel === 'dingtalk')!;
    expect(d.reason).toContain('errcode 310000');
    expect(d.attempts).toBe(1);
    expect(ding.requests).toHaveLength(1);
    expect(feishu.requests).toHaveLength(1);
    expect(h.logger.lines.some((l) => l.msg === 'notification given up' && l.channel === 'dingtalk')).toBe(true);
    expect(h.logText()).not.toContain('SECwrong-secret');
    expect(h.logText()).not.toContain('wecom-key');
  });

  it('merge a burst beyond the rate limit into summaries, dropping none', async () => {
    h = await NotifierHarness.start({ OC_NOTIFY_WECOM_URL: `${wecom.url}/cgi-bin/webhook/send?key=wecom-key` });
    const tickets: string[] = [];
    for (let i = 0; i < 60; i++) tickets.push((await h.publish()).ticketId);
    await pollUntil('all 60 delivered to WeCom', () => tickets.every((t) => status(t, 'wecom') === 'delivered'));
    // 20 messages a minute at most, and every ticket in one of them.
    expect(wecom.requests.length).toBeLessThanOrEqual(20);
    const all = wecom.requests.map((r) => r.body).join('\n');
    for (const t of tickets) expect(all).toContain(t);
    const merged = tickets.map((t) => h!.receipts.forTicket(t).find((x) => x.channel === 'wecom')!.mergedCount ?? 1);
    expect(merged.some((m) => m > 1)).toBe(true);
  });
});

describe('channels file', () => {
  it('is refused at start naming the bad key', async () => {
    const dir = (await import('node:os')).tmpdir();
    const file = join(dir, `oc-channels-${process.pid}.yaml`);
    writeFileSync(file, 'robots:\n  - { id: duty, kind: dingtalk, url: "http://127.0.0.1:1/x", sekret: abc }\n');
    const { loadNotifierConfig } = await import('../../../services/notifier/config.ts');
    expect(() => loadNotifierConfig(dir, 8080, { OC_NOTIFY_CHANNELS_FILE: file })).toThrow(/robots\.0\.sekret: is not a known key/);
    writeFileSync(file, 'robots:\n  - { id: duty, kind: dingtalk, url: "http://127.0.0.1:1/x" }\n');
    expect(() => loadNotifierConfig(dir, 8080, { OC_NOTIFY_CHANNELS_FILE: file })).toThrow(/robots\.0\.secret: is required for a DingTalk robot/);
  });

  it('names a missing secret without echoing the URL that holds a key', async () => {
    const { loadNotifierConfig } = await import('../../../services/notifier/config.ts');
    expect(() => loadNotifierConfig('/tmp', 8080, { OC_NOTIFY_WEBHOOK_URL: 'http://127.0.0.1:1/hook' })).toThrow(/OC_NOTIFY_WEBHOOK_SECRET=undefined: is required with OC_NOTIFY_WEBHOOK_URL/);
    expect(() => loadNotifierConfig('/tmp', 8080, { OC_NOTIFY_WECOM_URL: 'not a url key=secret-key' })).toThrow(/OC_NOTIFY_WECOM_URL=\(hidden\)/);
  });
});
