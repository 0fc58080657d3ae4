import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { OcError } from '../shared/errors.ts';
import { readJsonObjectFile, writeJsonFileAtomic } from '../shared/json-file.ts';

/**
 * Device secrets are 256-bit random tokens issued by the platform, never chosen
 * by people. For such secrets a salted SHA-256 is the right store (as for API
 * tokens): brute force is hopeless whatever the hash speed, while a slow KDF
 * would make a compound-wide reconnect storm after a power cut cost minutes of CPU.
 */
const SCHEME = 'sha256';

export interface CredentialStore {
  /** True when the device exists and the secret matches its stored hash. */
  verify(deviceId: string, secret: string): boolean;
  has(deviceId: string): boolean;
}

export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  const digest = createHash('sha256').update(salt).update(secret, 'utf8').digest();
  return `${SCHEME}$${salt.toString('base64url')}$${digest.toString('base64url')}`;
}

export function verifySecret(secret: string, stored: string): boolean {
  const [scheme, saltText, digestText] = stored.split('$');
  if (scheme !== SCHEME || !saltText || !digestText) return false;
  const expected = Buffer.from(digestText, 'base64url');
  const actual = createHash('sha256').update(Buffer.from(saltText, 'base64url')).update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export class MemoryCredentialStore implements CredentialStore {
  protected readonly hashes = new Map<string, string>();

  set(deviceId: string, hash: string): void {
    this.hashes.set(deviceId, hash);
  }
  has(deviceId: string): boolean {
    return this.hashes.has(deviceId);
  }
  delete(deviceId: string): void {
    this.hashes.delete(deviceId);
  }
  verify(deviceId: string, secret: string): boolean {
    const stored = this.hashes.get(deviceId);
    return stored !== undefined && verifySecret(secret, stored);
  }
  entries(): [string, string][] {
    return [...this.hashes.entries()];
  }
}

/** Hashes kept in a JSON file `{ deviceId: hash }`, written atomically. */
export class FileCredentialStore extends MemoryCredentialStore {
  private constructor(private readonly path: string) {
    super();
  }

  static open(path: string): FileCredentialStore {
    const store = new FileCredentialStore(path);
    const entries = readJsonObjectFile(path, 'credentials file') ?? {};
    for (const [id, hash] of Object.entries(entries)) {
      if (typeof hash !== 'string' || !hash.startsWith(`${SCHEME}$`)) {
        throw new OcError('OC_CONFIG_INVALID', `credentials file ${path}: ${id} must be a ${SCHEME} hash`);
      }
      store.set(id, hash);
    }
    return store;
  }

  save(): void {
    writeJsonFileAtomic(this.path, Object.fromEntries(this.entries()));
  }
}
