import type { SendResult } from './port.ts';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * POSTs with a timeout on the whole request. Resolves with the answer or a
 * retryable SendResult for a receiver that hung, refused or closed the socket.
 */
export async function postWithTimeout(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer | SendResult> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return { ok: false, retryable: true, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, retryable: true, reason: `connection failed: ${e.cause?.code ?? e.cause?.message ?? e.message}` };
  }
}

export const isAnswer = (a: HttpAnswer | SendResult): a is HttpAnswer => 'status' in a;

/** Retry-After as seconds or an HTTP date, in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The HTTP status as a SendResult: 2xx delivered; 408, 429 and 5xx retried
 * (honouring Retry-After); any other 4xx refused for good.
 */
export function resultOfStatus(answer: HttpAnswer, now: number): SendResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true };
  const reason = `HTTP ${status}${answer.text ? `: ${answer.text.slice(0, 120)}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) return { ok: false, retryable: true, reason, retryAfterMs: retryAfterMs(answer.headers.get('retry-after'), now) };
  return { ok: false, retryable: false, reason, gone: status === 404 || status === 410 };
}
