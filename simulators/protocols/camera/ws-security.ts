import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../services/shared/clock.ts';
import type { UsernameToken } from './soap-request.ts';

export const PASSWORD_DIGEST_TYPE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest';

/** PasswordDigest = Base64(SHA-1(nonce bytes + Created + password)), WS-Security UsernameToken Profile 1.0. */
export function passwordDigest(nonceBase64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(nonceBase64, 'base64'), Buffer.from(created, 'utf8'), Buffer.from(password, 'utf8')]))
    .digest('base64');
}

export type TokenVerdict = { ok: true; username: string } | { ok: false; reason: string };

export interface UsernameTokenVerifierOptions {
  /** The device's clock: `Created` is judged against it, as a real camera would. */
  clock: Clock;
  /** How far `Created` may be from the device clock, either way. Default 5 min. */
  maxSkewMs?: number;
}

/**
 * Checks UsernameToken digests the way a camera with replay protection does:
 * the digest must match a known user's password, `Created` must be recent, and a
 * nonce may be used once while it is recent (older ones are refused as stale anyway,
 * so the set of remembered nonces stays bounded).
 */
export class UsernameTokenVerifier {
  private readonly users = new Map<string, string>();
  private readonly seenNonces = new Map<string, number>();
  private readonly clock: Clock;
  private readonly maxSkewMs: number;

  constructor(options: UsernameTokenVerifierOptions) {
    this.clock = options.clock;
    this.maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  }

  setUser(username: string, password: string): void {
    this.users.set(username, password);
  }

  /** A reboot forgets the nonces seen. */
  forgetNonces(): void {
    this.seenNonces.clear();
  }

  verify(token: UsernameToken | undefined): TokenVerdict {
    if (!token) return { ok: false, reason: 'no UsernameToken' };
    const password = this.users.get(token.username);
    if (password === undefined) return { ok: false, reason: `unknown user ${token.username}` };
    if (token.passwordType !== PASSWORD_DIGEST_TYPE) return { ok: false, reason: 'password must be a PasswordDigest' };
    if (!token.nonce || !token.created) return { ok: false, reason: 'Nonce and Created are required' };
    const expected = Buffer.from(passwordDigest(token.nonce, token.created, password), 'base64');
    const given = Buffer.from(token.password, 'base64');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'wrong password digest' };

    const now = this.clock.now();
    const created = Date.parse(token.created);
    if (Number.isNaN(created)) return { ok: false, reason: `Created is not a date: ${token.created}` };
    if (Math.abs(now - created) > this.maxSkewMs) return { ok: false, reason: `stale Created ${token.created}` };

    this.forgetOldNonces(now);
    if (this.seenNonces.has(token.nonce)) return { ok: false, reason: 'replayed nonce' };
    this.seenNonces.set(token.nonce, created);
    return { ok: true, username: token.username };
  }

  private forgetOldNonces(now: number): void {
    for (const [nonce, created] of this.seenNonces) {
      if (Math.abs(now - created) > this.maxSkewMs) this.seenNonces.delete(nonce);
    }
  }
}
