import { isAnswer, resultOfStatus, type HttpAnswer } from '../http-post.ts';
import type { SendResult } from '../port.ts';

export interface RobotCodes {
  /** The field holding the robot's own result code. */
  codeField: string;
  /** Codes that mean "too fast": retried after a minute. */
  rateLimited: readonly number[];
  /** Codes that mean the robot refuses this sender for good (signature, key, keyword, IP). */
  refused: readonly number[];
}

/** Robots answer HTTP 200 with their own code; 0 is success. */
export function robotResult(answer: HttpAnswer | SendResult, codes: RobotCodes, now: number, robot: string): SendResult {
  if (!isAnswer(answer)) return answer;
  if (answer.status < 200 || answer.status >= 300) return resultOfStatus(answer, now);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(answer.text) as Record<string, unknown>;
  } catch {
    return { ok: false, retryable: true, reason: `${robot} answered something that is not JSON` };
  }
  const code = Number(body[codes.codeField] ?? body.StatusCode ?? 0);
  if (code === 0) return { ok: true };
  const reason = `${robot} answered ${codes.codeField} ${code}: ${String(body.errmsg ?? body.msg ?? body.StatusMessage ?? '').slice(0, 120)}`;
  if (codes.rateLimited.includes(code)) return { ok: false, retryable: true, reason, retryAfterMs: 60_000 };
  if (codes.refused.includes(code)) return { ok: false, retryable: false, reason };
  return { ok: false, retryable: true, reason };
}
