import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { OcError } from './errors.ts';

/**
 * Reads a JSON file that must hold an object; undefined when the file does not exist.
 * Problems name the file and what it is for, since these are files people edit.
 */
export function readJsonObjectFile(path: string, what: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OcError('OC_CONFIG_INVALID', `${what} ${path} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file; owner-only. */
export function writeJsonFileAtomic(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}
