import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';

const HOUR = 3_600_000;
let h: AlertingHarness;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 5, 1, 12, 0));
  h = await AlertingHarness.start(clock);
});
afterEach(async () => h.close());

const signIn = (login: string, password: string) => h.api.app.inject({ method: 'POST', url: '/api/session', payload: { login, password } });
const withCookie = (url: string, cookie: string, method: 'GET' | 'DELETE' = 'GET') => h.api.app.inject({ method, url, headers: { cookie } });

describe('sign-in', () => {
  it('signs in with the right password, sets an HttpOnly SameSite=Lax cookie and answers who is signed in', async () => {
    const res = await signIn('plumber', 'plumber-demo');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: { login: 'plumber', name: { zh: '孔德明', en: 'Kong Deming' }, role: 'staff', staffId: 'kong-deming' } });
    const cookie = res.cookies.find((c) => c.name === 'oc_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.value.length).toBeGreaterThanOrEqual(40);
    const me = await withCookie('/api/session', `oc_session=${cookie.value}`);
    expect(me.json().user.login).toBe('plumber');
  });

  it('answers a wrong password and an unknown login alike, with 401 OC_API_BAD_CREDENTIALS and no cookie', async () => {
    const wrong = await signIn('desk', 'desk-demo!');
    const unknown = await signIn('nobody', 'desk-demo');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ code: 'OC_API_BAD_CREDENTIALS', message: 'wrong login or password' });
      expect(res.cookies).toEqual([]);
    }
  });

  it('holds back a login after five failures, says for how long, and lets it in again after the wait', async () => {
    for (let i = 0; i < 5; i++) expect((await signIn('desk', `guess-${i}`)).statusCode).toBe(401);
    const held = await signIn('desk', 'desk-demo');
    expect(held.statusCode).toBe(429);
    expect(held.json()).toMatchObject({ code: 'OC_API_SIGN_IN_THROTTLED', retryAfterS: 30 });
    expect(held.headers['retry-after']).toBe('30');
    // Other logins are not affected.
    expect((await signIn('manager', 'manager-demo')).statusCode).toBe(200);
    clock.advance(30_000);
    expect((await signIn('desk', 'desk-demo')).statusCode).toBe(200);
  });

  it('keeps /api behind the session, except health, the OpenAPI document and sign-in itself', async () => {
    expect((await h.api.app.inject({ method: 'GET', url: '/api/tickets' })).json()).toMatchObject({ code: 'OC_API_UNAUTHENTICATED' });
    expect((await h.api.app.inject({ method: 'GET', url: '/api/stream' })).statusCode).toBe(401);
    expect((await h.api.app.inject({ method: 'GET', url: '/api/session' })).statusCode).toBe(401);
    expect((await withCookie('/api/tickets', 'oc_session=made-up-token')).json()).toMatchObject({ code: 'OC_API_UNAUTHENTICATED' });
    expect((await h.api.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    expect((await h.api.app.inject({ method: 'GET', url: '/api/openapi.json' })).statusCode).toBe(200);
  });

  it('signs out: the cookie is cleared and no longer works', async () => {
    const user = await ApiUser.signIn(h.api.app, 'desk');
    const out = await user.delete('/api/session');
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'oc_session')?.value).toBe('');
    expect((await user.get('/api/tickets')).json()).toMatchObject({ code: 'OC_API_UNAUTHENTICATED' });
  });
});

describe('session expiry', () => {
  it('ends a session left idle for 12 hours with OC_API_SESSION_EXPIRED', async () => {
    const user = await ApiUser.signIn(h.api.app, 'desk');
    clock.advance(12 * HOUR - 60_000);
    expect((await user.get('/api/tickets')).statusCode).toBe(200);
    // That request counted as use: another 12 h idle from here.
    clock.advance(12 * HOUR - 60_000);
    expect((await user.get('/api/tickets')).statusCode).toBe(200);
    clock.advance(12 * HOUR);
    const expired = await user.get('/api/tickets');
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'OC_API_SESSION_EXPIRED' });
  });

  it('ends even a busy session 24 hours after sign-in', async () => {
    const user = await ApiUser.signIn(h.api.app, 'desk');
    for (let hour = 1; hour < 24; hour++) {
      clock.advance(HOUR);
      expect((await user.get('/api/session')).statusCode).toBe(200);
    }
    clock.advance(HOUR);
    expect((await user.get('/api/session')).json()).toMatchObject({ code: 'OC_API_SESSION_EXPIRED' });
  });

  it('keeps sessions across a restart of the API', async () => {
    const user = await ApiUser.signIn(h.api.app, 'manager');
    await h.stopAlerting();
    await h.startAlerting(clock);
    const me = await h.api.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: user.cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user).toMatchObject({ login: 'manager', role: 'manager', staffId: 'liu-hongmei' });
  });
});
