import { OcError } from '../shared/errors.ts';
import { readJsonObjectFile, writeJsonFileAtomic } from '../shared/json-file.ts';
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
  const out = new Map<string, string>();
  for (const [id, secret] of Object.entries(readJsonObjectFile(path, 'secrets file') ?? {})) {
    if (typeof secret !== 'string') throw new OcError('OC_CONFIG_INVALID', `secrets file ${path}: ${id} must be a string`);
    out.set(id, secret);
  }
  return out;
}

export function writeSecretsFile(path: string, secrets: ReadonlyMap<string, string>): void {
  writeJsonFileAtomic(path, Object.fromEntries(secrets));
}
