import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCredentialStore, generateSecret, hashSecret, verifySecret } from '../../../services/gateway/credentials.ts';
import { provisionMissing, readSecretsFile, writeSecretsFile } from '../../../services/gateway/provision.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'oc-cred-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('device secrets', () => {
  it('verifies the right secret only, and never stores it in clear', () => {
    const secret = generateSecret();
    const hash = hashSecret(secret);
    expect(hash).not.toContain(secret);
    expect(verifySecret(secret, hash)).toBe(true);
    expect(verifySecret(secret + 'x', hash)).toBe(false);
    expect(verifySecret(secret, 'md5$abc$def')).toBe(false);
    expect(hashSecret(secret)).not.toBe(hash); // salted
  });

  it('provisions missing devices once and keeps hashes and secrets across reopen', () => {
    const dir = tempDir();
    const store = FileCredentialStore.open(join(dir, 'creds.json'));
    const secrets = new Map<string, string>();
    expect(provisionMissing(store, ['dev-a1', 'dev-b2'], secrets)).toEqual(['dev-a1', 'dev-b2']);
    writeSecretsFile(join(dir, 'secrets.json'), secrets);
    const reopened = FileCredentialStore.open(join(dir, 'creds.json'));
    const reread = readSecretsFile(join(dir, 'secrets.json'));
    expect(reopened.verify('dev-a1', reread.get('dev-a1')!)).toBe(true);
    expect(reopened.verify('dev-a1', reread.get('dev-b2')!)).toBe(false);
    expect(provisionMissing(reopened, ['dev-a1', 'dev-b2', 'dev-c3'], reread)).toEqual(['dev-c3']);
    expect(readFileSync(join(dir, 'creds.json'), 'utf8')).not.toContain(reread.get('dev-a1')!);
  });

  it('names the problem in a broken credentials file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'creds.json'), '{"dev-a1": "plaintext"}');
    expect(() => FileCredentialStore.open(join(dir, 'creds.json'))).toThrow(/dev-a1 must be a sha256 hash/);
    writeFileSync(join(dir, 'creds.json'), '{oops');
    expect(() => FileCredentialStore.open(join(dir, 'creds.json'))).toThrow(/not valid JSON/);
  });
});
