import { OcError } from '../../../services/shared/errors.ts';
import { HttpExchange, type ExchangeResponse, type StreamResponse } from './http-exchange.ts';
import { checkInfo, checkLogin, checkTime } from './response-schemas.ts';
import { DOOR_API, NDJSON_MEDIA_TYPE, type InfoResponse, type LoginRequest, type TimeResponse } from './wire.ts';

export interface ControllerClientOptions {
  baseUrl: string;
  username: string;
  password: string;
  requestTimeoutMs: number;
}

/** The event stream would start after a seq the controller has never journalled (HTTP 409). */
export class CursorAheadError extends Error {
  constructor(readonly headSeq: number) {
    super(`cursor is ahead of the controller journal (head ${headSeq})`);
    this.name = 'CursorAheadError';
  }
}

/**
 * The controller's REST operations with token handling: logs in when it has no
 * token, and once more when a request is refused with 401 (the token expired, or
 * the controller restarted and forgot its sessions). A second 401 means the
 * credentials are wrong: OC_DEVICE_AUTH_FAILED.
 */
export class ControllerClient {
  private readonly http: HttpExchange;
  private token: string | undefined;

  constructor(private readonly options: ControllerClientOptions) {
    this.http = new HttpExchange(options.baseUrl);
  }

  async info(): Promise<InfoResponse> {
    return checkInfo(parseJson(await this.authorized(DOOR_API.info), 'info'));
  }

  async time(): Promise<TimeResponse> {
    return checkTime(parseJson(await this.authorized(DOOR_API.time), 'time'));
  }

  /** Opens the event stream after `since`; the caller reads lines off the response. */
  async events(since: number): Promise<StreamResponse> {
    const path = `${DOOR_API.events}?since=${since}`;
    for (let attempt = 0; ; attempt++) {
      await this.ensureToken();
      const stream = await this.http.stream({ method: 'GET', path, headers: this.authHeaders(NDJSON_MEDIA_TYPE), timeoutMs: this.options.requestTimeoutMs });
      const status = stream.response.statusCode ?? 0;
      const type = String(stream.response.headers['content-type'] ?? '');
      if (status === 200 && type.startsWith(NDJSON_MEDIA_TYPE)) return stream;
      // Not a stream: read the (small) error answer for its reason, then let the socket go.
      const answer = await collect(stream);
      if (status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      if (status === 409) {
        const head = (tryJson(answer.body) as { headSeq?: unknown } | undefined)?.headSeq;
        if (typeof head === 'number' && Number.isSafeInteger(head) && head >= 0) throw new CursorAheadError(head);
      }
      throw unexpected(answer, 'events');
    }
  }

  close(): void {
    this.http.close();
  }

  private async authorized(path: string): Promise<ExchangeResponse> {
    for (let attempt = 0; ; attempt++) {
      await this.ensureToken();
      const res = await this.http.fetch({ method: 'GET', path, headers: this.authHeaders('application/json'), timeoutMs: this.options.requestTimeoutMs });
      if (res.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      if (res.status !== 200) throw unexpected(res, path);
      return res;
    }
  }

  private async ensureToken(): Promise<void> {
    if (this.token) return;
    const body: LoginRequest = { username: this.options.username, password: this.options.password };
    const res = await this.http.fetch({ method: 'POST', path: DOOR_API.login, body: JSON.stringify(body), timeoutMs: this.options.requestTimeoutMs });
    if (res.status === 401 || res.status === 403) {
      throw new OcError('OC_DEVICE_AUTH_FAILED', `login as ${JSON.stringify(this.options.username)} refused (HTTP ${res.status})`);
    }
    if (res.status !== 200) throw unexpected(res, 'login');
    this.token = checkLogin(parseJson(res, 'login')).token;
  }

  private authHeaders(accept: string): Record<string, string> {
    return { authorization: `Bearer ${this.token ?? ''}`, accept };
  }
}

function parseJson(res: ExchangeResponse, what: string): unknown {
  const parsed = tryJson(res.body);
  if (parsed === undefined) throw new OcError('OC_DEVICE_MALFORMED_RESPONSE', `${what} answer is not JSON: ${JSON.stringify(res.body.slice(0, 80))}`);
  return parsed;
}

function tryJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** A status the protocol does not use for this request: the controller refused, or something else answered. */
function unexpected(res: ExchangeResponse, what: string): OcError {
  const reason = (tryJson(res.body) as { error?: unknown } | undefined)?.error;
  if (res.status === 401) return new OcError('OC_DEVICE_AUTH_FAILED', `${what}: token refused right after login`);
  if (res.status >= 400 && res.status < 600) {
    return new OcError('OC_DEVICE_REFUSED', `${what}: HTTP ${res.status}${typeof reason === 'string' ? ` ${reason}` : ''}`, { status: res.status });
  }
  return new OcError('OC_DEVICE_MALFORMED_RESPONSE', `${what}: unexpected HTTP ${res.status} (${res.contentType || 'no content type'})`, { status: res.status });
}

async function collect(stream: StreamResponse): Promise<ExchangeResponse> {
  const { response } = stream;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > 64 * 1024) break; // an error answer is small; the rest is not worth reading
      chunks.push(chunk);
    }
    return { status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    throw stream.abortReason() ?? new OcError('OC_DEVICE_UNREACHABLE', `events: ${(err as Error).message}`);
  } finally {
    stream.release();
  }
}
