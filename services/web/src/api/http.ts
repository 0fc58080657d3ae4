/**
 * fetch for the pages: JSON in and out, the session cookie, a deadline on every request
 * (no page may hang on a slow API), and one error type the pages turn into words.
 */

export type ApiErrorKind = 'http' | 'timeout' | 'network';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    readonly status: number,
    /** The API's stable code (OC_…) when the server answered with one. */
    readonly code: string | undefined,
    message: string,
    /** 409s on tickets: the state the ticket is in now. */
    readonly currentState?: string,
    /** 409s on configuration: the item's version now. */
    readonly currentVersion?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer came (offline, timed out, or the server broke): worth trying again. */
  get retriable(): boolean {
    return this.kind !== 'http' || this.status >= 500 || this.status === 408 || this.status === 429;
  }

  get unauthenticated(): boolean {
    return this.status === 401;
  }
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Sent as it is with this content type instead of as JSON (a CSV upload). */
  rawBody?: { type: string; text: string };
  timeoutMs?: number;
  /** The caller's own cancel (e.g. the view went away). */
  signal?: AbortSignal;
}

type Listener = (err: ApiError) => void;
const unauthenticatedListeners = new Set<Listener>();

/** The session layer listens here: any 401 means "show the sign-in form". */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export async function apiFetch<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const cancel = () => controller.abort();
  opts.signal?.addEventListener('abort', cancel);
  try {
    let res: Response;
    try {
      res = await fetch(path, {
        method: opts.method ?? 'GET',
        credentials: 'same-origin',
        headers: { accept: 'application/json', ...(opts.rawBody ? { 'content-type': opts.rawBody.type } : opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(opts.rawBody ? { body: opts.rawBody.text } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        signal: controller.signal,
      });
    } catch (err) {
      if (timedOut) throw new ApiError('timeout', 0, undefined, `no answer from the server within ${Math.round((opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000)} s`);
      if (opts.signal?.aborted) throw err;
      throw new ApiError('network', 0, undefined, err instanceof Error ? err.message : 'network error');
    }
    // The body can stall too; the same deadline covers it.
    const text = await res.text().catch(() => {
      throw new ApiError(timedOut ? 'timeout' : 'network', 0, undefined, 'the answer was cut off');
    });
    if (res.ok) return (text ? JSON.parse(text) : undefined) as T;
    const error = toApiError(res.status, text);
    if (error.unauthenticated) for (const l of unauthenticatedListeners) l(error);
    throw error;
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', cancel);
  }
}

function toApiError(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; currentState?: unknown; currentVersion?: unknown };
    return new ApiError(
      'http',
      status,
      typeof body.code === 'string' ? body.code : undefined,
      typeof body.message === 'string' ? body.message : `HTTP ${status}`,
      typeof body.currentState === 'string' ? body.currentState : undefined,
      typeof body.currentVersion === 'number' ? body.currentVersion : undefined,
    );
  } catch {
    return new ApiError('http', status, undefined, `HTTP ${status}`);
  }
}
