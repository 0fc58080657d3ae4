import { describe, expect, it } from 'vitest';
import { hashPassword, isPasswordHash, verifyPassword } from '../../../services/api/auth/password-hash.ts';

// A low cost keeps the suite quick; the format and the comparison are what is tested here.
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('password hashes', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('plumber-demo', CHEAP);
    expect(await verifyPassword('plumber-demo', hash)).toBe(true);
    expect(await verifyPassword('plumber-demo ', hash)).toBe(false);
    expect(await verifyPassword('Plumber-demo', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash, and writes its cost into it', async () => {
    const [a, b] = await Promise.all([hashPassword('same', CHEAP), hashPassword('same', CHEAP)]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(isPasswordHash(a)).toBe(true);
  });

  it('verifies a hash made with another cost, read from the hash itself', async () => {
    const hash = await hashPassword('night shift', { N: 2048, r: 4, p: 1 });
    expect(await verifyPassword('night shift', hash)).toBe(true);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const composed = '密码é';
    const decomposed = '密码e\u0301';
    expect(await verifyPassword(decomposed, await hashPassword(composed, CHEAP))).toBe(true);
  });

  it('never matches a malformed hash', async () => {
    expect(isPasswordHash('plain-text')).toBe(false);
    // The last one has the form, but a key too short to be one of ours.
    for (const bad of ['', 'plain-text', 'scrypt$1024$8$1$abc', 'bcrypt$10$abc$def', 'scrypt$1024$8$1$c2FsdA$AA']) {
      expect(await verifyPassword('anything', bad)).toBe(false);
    }
  });
});
