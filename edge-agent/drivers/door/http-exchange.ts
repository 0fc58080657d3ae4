import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { OcError } from '../../../services/shared/errors.ts';

export interface ExchangeRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** For `fetch`: the whole answer. For `stream`: the response headers; the body is read as it comes. */
  timeoutMs: number;
}

export interface ExchangeResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface StreamResponse {
  response: IncomingMessage;
  /** Why the response ended early when this client ended it (closed); undefined otherwise. */
  abortReason(): OcError | undefined;
  /** Ends the request and frees its socket. */
  release(): void;
}

/** Largest JSON answer accepted; a controller's answers are a few hundred bytes. */
const MAX_BODY_BYTES = 1024 * 1024;

interface Pending {
  req: http.ClientRequest;
  response: Promise<IncomingMessage>;
  /** Set when this client destroyed the request (timeout, close); preferred over the socket's own error. */
  reason: OcError | undefined;
  stopTimer(): void;
  finish(): void;
}

/**
 * A small HTTP client for one controller: a socket pool of its own,
 * timeouts that become OC_DEVICE_TIMEOUT, socket errors that become
 * OC_DEVICE_UNREACHABLE, and `close()` that tears down everything still open.
 */
export class HttpExchange {
  private readonly base: URL;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly open = new Set<Pending>();
  private closed = false;

  constructor(baseUrl: string) {
    this.base = new URL(baseUrl);
    const secure = this.base.protocol === 'https:';
    this.transport = secure ? https : http;
    // No keep-alive: a session makes three short requests, and reusing a socket the controller's
    // small HTTP server has just timed out fails with ECONNRESET, which would look like a device fault.
    this.agent = secure ? new https.Agent({ keepAlive: false, maxSockets: 2 }) : new http.Agent({ keepAlive: false, maxSockets: 2 });
  }

  /** A request whose whole answer is read into memory (login, info, time). */
  async fetch(request: ExchangeRequest): Promise<ExchangeResponse> {
    const pending = this.start(request);
    try {
      const response = await pending.response;
      const body = await readBody(response, () => pending.reason);
      return { status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body };
    } finally {
      pending.finish();
    }
  }

  /** A request whose answer is read as it comes (the event stream); resolves at the response headers. */
  async stream(request: ExchangeRequest): Promise<StreamResponse> {
    const pending = this.start(request);
    let response: IncomingMessage;
    try {
      response = await pending.response;
    } catch (err) {
      pending.finish();
      throw err;
    }
    // The deadline covered waiting for the headers; the stream reader has its own idle timeout.
    pending.stopTimer();
    return {
      response,
      abortReason: () => pending.reason,
      release: () => {
        pending.req.destroy();
        pending.finish();
      },
    };
  }

  /** Aborts every request in flight and closes the pooled sockets. */
  close(): void {
    this.closed = true;
    for (const pending of [...this.open]) {
      pending.reason ??= new OcError('OC_DEVICE_UNREACHABLE', 'driver closed');
      pending.req.destroy(pending.reason);
      pending.finish();
    }
    this.agent.destroy();
  }

  private start(request: ExchangeRequest): Pending {
    if (this.closed) throw new OcError('OC_DEVICE_UNREACHABLE', 'driver closed');
    const url = new URL(request.path, this.base);
    const what = `${request.method} ${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(request.body));
    }
    const req = this.transport.request(url, { method: request.method, headers, agent: this.agent });
    // One deadline for the whole exchange: a slow trickle of bytes does not reset it.
    const timer = setTimeout(() => {
      pending.reason ??= new OcError('OC_DEVICE_TIMEOUT', `${what}: no answer within ${request.timeoutMs} ms`);
      req.destroy(pending.reason);
    }, request.timeoutMs);
    const pending: Pending = {
      req,
      reason: undefined,
      response: new Promise<IncomingMessage>((resolve, reject) => {
        req.once('response', resolve);
        // `on`, not `once`: a request destroyed twice emits twice, and an unheard 'error' would crash the agent.
        req.on('error', (err) => reject(pending.reason ?? asDeviceError(err, what)));
      }),
      stopTimer: () => clearTimeout(timer),
      finish: () => {
        clearTimeout(timer);
        this.open.delete(pending);
      },
    };
    // Nobody may be awaiting yet when the request fails; the rejection is read later by fetch/stream.
    pending.response.catch(() => {});
    this.open.add(pending);
    req.end(request.body);
    return pending;
  }
}

function readBody(res: IncomingMessage, abortReason: () => OcError | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.destroy(new OcError('OC_DEVICE_MALFORMED_RESPONSE', `answer larger than ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', (err) => reject(abortReason() ?? asDeviceError(err, 'reading the answer')));
    res.once('close', () => {
      if (!res.complete) reject(abortReason() ?? new OcError('OC_DEVICE_UNREACHABLE', 'connection closed in the middle of an answer'));
    });
  });
}

/** Socket-level failures as device fault codes; our own OcErrors (timeouts, limits) pass through. */
export function asDeviceError(err: unknown, what: string): OcError {
  if (err instanceof OcError) return err;
  const e = err as NodeJS.ErrnoException;
  return new OcError('OC_DEVICE_UNREACHABLE', `${what}: ${e.code ?? e.message}`, { errno: e.code }, { cause: err });
}
