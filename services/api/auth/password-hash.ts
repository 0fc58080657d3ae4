import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Passwords are kept only as scrypt hashes with a per-user salt, in one text
 * form that carries its own cost parameters:
 *
 *   scrypt$<N>$<r>$<p>$<salt, base64url>$<key, base64url>
 *
 * so the cost can be raised later without invalidating the hashes already written.
 */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** ~16 MiB and tens of milliseconds per attempt: slow for a guesser, unnoticeable at sign-in. */
const DEFAULT_COST: ScryptCost = { N: 16384, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, cost: ScryptCost, keyBytes: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; allow twice that so a raised N does not trip Node's 32 MiB default.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True if `hash` has the form above; the users file is checked with it at load. */
export const isPasswordHash = (hash: string): boolean => FORMAT.test(hash);

/** Constant-time comparison; a malformed hash never matches. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const m = FORMAT.exec(hash);
  if (!m) return false;
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const expected = Buffer.from(m[5]!, 'base64url');
  if (expected.length < 16) return false;
  const actual = await derive(password, Buffer.from(m[4]!, 'base64url'), cost, expected.length);
  return timingSafeEqual(actual, expected);
}
