import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { Delivery } from '../delivery.ts';
import { isAnswer, postWithTimeout, resultOfStatus } from './http-post.ts';
import type { Channel, SendResult } from './port.ts';

export interface AliyunSmsSettings {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  templateCode: string;
}

/** Aliyun's percent-encoding for signing: RFC 3986, space as %20, `*` as %2A, `~` kept. */
export const aliyunEncode = (s: string): string => encodeURIComponent(s).replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~').replace(/[!'()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Aliyun RPC signature v1 (HMAC-SHA1): the parameters sorted by name and encoded,
 * "POST&%2F&" + the encoded query, keyed with "<AccessKeySecret>&".
 */
export function aliyunSignature(params: Record<string, string>, secret: string, method = 'POST'): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunEncode(k)}=${aliyunEncode(params[k]!)}`)
    .join('&');
  const toSign = `${method}&${aliyunEncode('/')}&${aliyunEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}

/** Codes of SendSms: a limit reached is retried later; a bad number, key or signature is not. */
const RATE_LIMITED = new Set(['isv.BUSINESS_LIMIT_CONTROL', 'Throttling.User']);
const REFUSED = new Set(['isv.MOBILE_NUMBER_ILLEGAL', 'SignatureDoesNotMatch', 'InvalidAccessKeyId.NotFound', 'isv.SMS_TEMPLATE_ILLEGAL', 'isv.SMS_SIGNATURE_ILLEGAL', 'isv.TEMPLATE_MISSING_PARAMETERS']);

/** SMS through Aliyun's SendSms API (dysmsapi 2017-05-25); off unless the channels file configures it. */
export class AliyunSmsChannel implements Channel {
  readonly kind = 'sms' as const;
  readonly mergeLimit = 1;

  constructor(private readonly s: AliyunSmsSettings, private readonly clock: Clock, private readonly timeoutMs: number) {}

  async send(_target: string, deliveries: readonly Delivery[]): Promise<SendResult> {
    const d = deliveries[0]!;
    if (!d.address) return { ok: false, retryable: false, reason: 'no phone number' };
    // Template variables: ${ticket} and ${text}; Aliyun caps a variable at 35 characters.
    return this.sendTemplate(d.address, this.s.templateCode, { ticket: d.ticketId, text: [...d.message.message.zh].slice(0, 35).join('') });
  }

  /** One SendSms of a template with its variables: a ticket message, or a resident's tracking link. */
  async sendTemplate(phone: string, templateCode: string, templateParam: Record<string, string>): Promise<SendResult> {
    const params: Record<string, string> = {
      AccessKeyId: this.s.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      PhoneNumbers: phone,
      RegionId: 'cn-hangzhou',
      SignName: this.s.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(templateParam),
      Timestamp: new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    const body = new URLSearchParams({ ...params, Signature: aliyunSignature(params, this.s.accessKeySecret) }).toString();
    const now = this.clock.now();
    const answer = await postWithTimeout(this.s.endpoint, body, { 'content-type': 'application/x-www-form-urlencoded' }, this.timeoutMs);
    if (!isAnswer(answer)) return answer;
    let code = '';
    try {
      code = String((JSON.parse(answer.text) as { Code?: unknown }).Code ?? '');
    } catch {
      /* not JSON: judged by the HTTP status below */
    }
    if (code === 'OK') return { ok: true };
    const reason = `Aliyun SMS answered ${code || `HTTP ${answer.status}`}`;
    if (RATE_LIMITED.has(code)) return { ok: false, retryable: true, reason, retryAfterMs: 60_000 };
    if (REFUSED.has(code)) return { ok: false, retryable: false, reason };
    const byStatus = resultOfStatus(answer, now);
    return byStatus.ok ? { ok: false, retryable: true, reason } : { ...byStatus, reason };
  }
}
