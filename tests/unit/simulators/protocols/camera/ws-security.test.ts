import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../services/shared/clock.ts';
import type { UsernameToken } from '../../../../../simulators/protocols/camera/soap-request.ts';
import { PASSWORD_DIGEST_TYPE, passwordDigest, UsernameTokenVerifier } from '../../../../../simulators/protocols/camera/ws-security.ts';

const T0 = Date.parse('2026-07-15T12:00:00Z');

function token(password: string, createdMs: number, over: Partial<UsernameToken> = {}): UsernameToken {
  const nonce = randomBytes(16).toString('base64');
  const created = new Date(createdMs).toISOString();
  return { username: 'admin', password: passwordDigest(nonce, created, password), passwordType: PASSWORD_DIGEST_TYPE, nonce, created, ...over };
}

function verifier(clock = new ManualClock(T0)) {
  const v = new UsernameTokenVerifier({ clock, maxSkewMs: 60_000 });
  v.setUser('admin', 'right');
  return { v, clock };
}

describe('WS-Security UsernameToken digest check', () => {
  it('computes the digest as Base64(SHA1(nonce bytes + Created + password)) (known vector)', () => {
    // Expected value computed independently: base64(sha1(nonce bytes + created + password)) with openssl.
    expect(passwordDigest('LKqI6G/AikKCQrN0zqZFlg==', '2010-09-16T07:50:45Z', 'userpassword')).toBe('tuOSpGlFlIXsozq4HFNeeGeFLEI=');
  });

  it('accepts a fresh token with the right password', () => {
    const { v } = verifier();
    expect(v.verify(token('right', T0 - 2_000))).toEqual({ ok: true, username: 'admin' });
  });

  it('refuses a wrong password, an unknown user, a plain-text password and a missing token', () => {
    const { v } = verifier();
    expect(v.verify(token('wrong', T0))).toMatchObject({ ok: false, reason: 'wrong password digest' });
    expect(v.verify(token('right', T0, { username: 'guest' }))).toMatchObject({ ok: false, reason: 'unknown user guest' });
    expect(v.verify({ ...token('right', T0), passwordType: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText' })).toMatchObject({ ok: false });
    expect(v.verify(undefined)).toMatchObject({ ok: false, reason: 'no UsernameToken' });
  });

  it('refuses a Created too far in the past or the future of the device clock', () => {
    const { v } = verifier();
    expect(v.verify(token('right', T0 - 61_000))).toMatchObject({ ok: false, reason: expect.stringContaining('stale Created') });
    expect(v.verify(token('right', T0 + 61_000))).toMatchObject({ ok: false, reason: expect.stringContaining('stale Created') });
    expect(v.verify(token('right', T0 - 59_000)).ok).toBe(true);
  });

  it('refuses a replayed nonce while it is fresh, and forgets nonces after a reboot', () => {
    const { v } = verifier();
    const t = token('right', T0);
    expect(v.verify(t).ok).toBe(true);
    expect(v.verify(t)).toMatchObject({ ok: false, reason: 'replayed nonce' });
    v.forgetNonces();
    expect(v.verify(t).ok).toBe(true);
  });

  it('judges Created by the device clock, wherever that is', () => {
    const { v, clock } = verifier();
    clock.advance(10 * 60_000);
    expect(v.verify(token('right', T0)).ok).toBe(false);
    expect(v.verify(token('right', T0 + 10 * 60_000)).ok).toBe(true);
  });
});
