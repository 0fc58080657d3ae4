import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot signing ("加签"): timestamp in ms, sign = Base64(HMAC-SHA256
 * keyed with the secret over "<timestamp>\n<secret>"), both as query parameters.
 */
export function dingtalkSignedUrl(url: string, secret: string, timestampMs: number): string {
  const sign = createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64');
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', sign);
  return u.toString();
}

/** 310000: signature, keyword or IP check failed; 300001/400101..: token wrong or robot gone. 130101: sending too fast. */
export const DINGTALK_CODES = { codeField: 'errcode', rateLimited: [130101, 660026], refused: [310000, 300001, 300005, 400101, 400102] };
