import { createHmac } from 'node:crypto';

/**
 * Feishu custom bot signing: timestamp in seconds, sign = Base64(HMAC-SHA256 keyed with
 * "<timestamp>\n<secret>" over an empty message), both in the JSON body.
 */
export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}

/** 19021: signature mismatch or timestamp out of range; 19022: IP not allowed; 19024: keyword missing. 11232/9499: too frequent. */
export const FEISHU_CODES = { codeField: 'code', rateLimited: [11232, 9499], refused: [19021, 19022, 19024, 19001, 19002] };
