import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OcError } from '../shared/errors.ts';
import { generateSecret, hashSecret, type FileCredentialStore } from './credentials.ts';

/**
 * Issues secrets for devices that have none yet. The gateway keeps only hashes;
 * the plain secrets go to the device side (here: the simulators' secrets file,
 * on real hardware: printed once for the installer).
 */
export function provisionMissing(store: FileCredentialStore, deviceIds: Iterable<string>, secrets: Map<string, string>): string[] {
  const issued: string[] = [];
  for (const id of deviceIds) {
    if (store.has(id) && secrets.has(id)) continue;
    const secret = generateSecret();
    store.set(id, hashSecret(secret));
    secrets.set(id, secret);
    issued.push(id);
  }
  if (issued.length > 0) store.save();
  return issued;
}

export function readSecretsFile(path: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `secrets file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OcError('OC_CONFIG_INVALID', `secrets file ${path} must hold an object { deviceId: secret }`);
  }
  const out = new Map<string, string>();
  for (const [id, secret] of Object.entries(parsed)) {
    if (typeof secret !== 'string') throw new OcError('OC_CONFIG_INVALID', `secrets file ${path}: ${id} must be a string`);
    out.set(id, secret);
  }
  return out;
}

export function writeSecretsFile(path: string, secrets: ReadonlyMap<string, string>): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(Object.fromEntries(secrets), null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
