import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NotifierHarness } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * Email over SMTP against a loopback smtp-server: a department's referral and the
 * duty group's P1 arrive with the headers, both languages and the ticket link; a
 * mailbox the server refuses (550) is given up, not retried. Addresses never in the log.
 */
interface Received {
  from: string;
  to: string[];
  raw: string;
}
let server: SMTPServer;
let port: number;
const received: Received[] = [];
let refuse: (to: string) => boolean = () => false;
let h: NotifierHarness | undefined;

beforeEach(async () => {
  received.length = 0;
  refuse = () => false;
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      if (refuse(address.address)) {
        const err = new Error('mailbox unavailable') as Error & { responseCode: number };
        err.responseCode = 550;
        cb(err);
        return;
      }
      cb();
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterEach(async () => {
  await h?.close();
  h = undefined;
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function start(): Promise<NotifierHarness> {
  const { tmpdir } = await import('node:os');
  const file = join(tmpdir(), `oc-channels-email-${process.pid}.yaml`);
  writeFileSync(file, 'departments:\n  market-regulation: { email: "market@example.org" }\npeople:\n  chen-gang: { email: "chen.gang@example.org" }\n');
  return NotifierHarness.start({ OC_NOTIFY_CHANNELS_FILE: file, OC_SMTP_URL: `smtp://127.0.0.1:${port}`, OC_SMTP_FROM: 'OpenCompound <oc@example.org>', OC_SMTP_TO: 'duty@example.org' });
}

it('mails a referral and the duty group with headers, both languages and the ticket link', async () => {
  h = await start();
  const n = await h.publish({ kind: 'ticket.transferred', to: { departmentId: 'market-regulation' }, priority: 'P2', message: { zh: '商铺油污堵塞下水道', en: 'Shop grease blocking the drain' } });
  const p1 = await h.publish();
  await pollUntil('both mails', () => received.length === 2);
  const referral = received.find((r) => r.to.includes('market@example.org'))!;
  const mail = await simpleParser(referral.raw);
  expect(mail.subject).toBe('[P2] 商铺油污堵塞下水道');
  expect(mail.text).toContain('Shop grease blocking the drain');
  expect(mail.text).toContain(`http://localhost:8080/#/ticket/${n.ticketId}`);
  expect(mail.from?.value[0]).toMatchObject({ name: 'OpenCompound', address: 'oc@example.org' });
  expect(mail.headers.get('x-oc-ticket')).toBe(n.ticketId);
  expect(String(mail.headers.get('x-oc-delivery-id'))).toContain(n.id);
  expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@opencompound>$/);
  expect(received.find((r) => r.to.includes('duty@example.org'))!.raw).toContain(p1.ticketId);
  await pollUntil('the email receipts', () => h!.receipts.forTicket(n.ticketId).find((d) => d.channel === 'email')?.status === 'delivered');
  expect(h.logText()).not.toContain('market@example.org');
});

it('gives up a mailbox the server refuses (550), and sends a person their email on dispatch', async () => {
  refuse = (to) => to === 'market@example.org';
  h = await start();
  const n = await h.publish({ kind: 'ticket.transferred', to: { departmentId: 'market-regulation' }, priority: 'P2' });
  const d = await pollUntil('the refused mail given up', () => {
    const x = h!.receipts.forTicket(n.ticketId).find((y) => y.channel === 'email');
    return x?.status === 'given-up' ? x : undefined;
  });
  expect(d.reason).toBe('OC_NOTIFY_REFUSED: SMTP 550');
  const m = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' } });
  await pollUntil('the guard’s mail', () => received.some((r) => r.to.includes('chen.gang@example.org') && r.raw.includes(m.ticketId)));
  expect(h.logText()).not.toContain('chen.gang@example.org');
});
