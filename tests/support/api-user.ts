import { randomUUID } from 'node:crypto';
import { pollUntil } from './poll-until.ts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A signed-in user of the API, for tests: requests carry their session cookie,
 * ticket actions a fresh action id unless the test gives one.
 */
export class ApiUser {
  private constructor(
    private readonly app: FastifyInstance,
    readonly login: string,
    readonly cookie: string,
  ) {}

  /** Signs in with the demo password (login + "-demo") unless another is given. */
  static async signIn(app: FastifyInstance, login: string, password = `${login}-demo`): Promise<ApiUser> {
    const res = await app.inject({ method: 'POST', url: '/api/session', payload: { login, password } });
    const cookie = res.cookies.find((c) => c.name === 'oc_session');
    if (res.statusCode !== 200 || !cookie) throw new Error(`sign-in of ${login} failed: ${res.statusCode} ${res.body}`);
    return new ApiUser(app, login, `oc_session=${cookie.value}`);
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie } });
  }

  post(url: string, payload: object): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'POST', url, payload, headers: { cookie: this.cookie } });
  }

  put(url: string, payload: object): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'PUT', url, payload, headers: { cookie: this.cookie } });
  }

  delete(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'DELETE', url, headers: { cookie: this.cookie } });
  }

  act(ticketId: string, action: string, body: object = {}, actionId: string = randomUUID()): Promise<LightMyRequestResponse> {
    return this.post(`/api/tickets/${ticketId}/${action}`, { actionId, ...body });
  }
}

/** Polls `check` until it returns something other than undefined, or fails after `timeoutMs` naming `what`. */
export function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  return pollUntil(what, check, { timeoutMs });
}
