import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Delivery } from '../delivery.ts';
import type { Channel, SendResult } from './port.ts';

export interface SmtpSettings {
  url: string;
  from: string;
}

/** Subject and text of one notification, the recipient's language first, then the other, and the ticket link. */
export function emailContent(d: Delivery): { subject: string; text: string } {
  const m = d.message;
  const [first, second] = m.lang === 'en' ? [m.message.en, m.message.zh] : [m.message.zh, m.message.en];
  return {
    subject: `[${m.priority}] ${first}`,
    text: [first, second, '', `${m.lang === 'en' ? 'Open the ticket' : '打开工单'}: ${m.ticketUrl}`, '', `OpenCompound · ${m.ticketId} · ${m.kind}`].join('\n'),
  };
}

/**
 * Email over SMTP with nodemailer: STARTTLS whenever the server offers it (nodemailer's
 * default; smtps:// for implicit TLS), timeouts on connect, greeting and socket.
 * The Message-ID comes from the delivery id, so a repeat after a crash is the same message.
 */
export class EmailChannel implements Channel {
  readonly kind = 'email' as const;
  readonly mergeLimit = 1;
  private readonly transport: Transporter;

  constructor(private readonly smtp: SmtpSettings, timeoutMs: number) {
    const u = new URL(smtp.url);
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 587)),
      secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
  }

  async send(_target: string, deliveries: readonly Delivery[]): Promise<SendResult> {
    const d = deliveries[0]!;
    if (!d.address) return { ok: false, retryable: false, reason: 'no email address' };
    const { subject, text } = emailContent(d);
    try {
      await this.transport.sendMail({
        from: this.smtp.from,
        to: d.address,
        subject,
        text,
        messageId: `<${createHash('sha256').update(d.id).digest('hex').slice(0, 32)}@opencompound>`,
        headers: { 'X-OC-Delivery-Id': d.id, 'X-OC-Ticket': d.ticketId },
      });
      return { ok: true };
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string };
      // 5xx from the server is a refusal for good (no such mailbox, relaying denied); 4xx and network trouble are retried.
      const reason = e.responseCode ? `SMTP ${e.responseCode}` : `SMTP ${e.code ?? 'error'}`;
      return { ok: false, retryable: !(e.responseCode && e.responseCode >= 500), reason };
    }
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
