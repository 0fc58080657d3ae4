import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

export type MosquittoLookup = { found: true; path: string; version: string } | { found: false; reason: string };

/** Debian installs the broker in /usr/sbin, which a non-root PATH often lacks. */
export function findMosquitto(): MosquittoLookup {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const path = `${dir}/mosquitto`;
    try {
      accessSync(path, constants.X_OK);
    } catch {
      continue;
    }
    return { found: true, path, version: versionOf(path) };
  }
  return { found: false, reason: 'no `mosquitto` binary on PATH or in /usr/sbin (infra/mosquitto/install.sh installs it)' };
}

function versionOf(path: string): string {
  // `mosquitto -h` prints "mosquitto version X" and exits non-zero.
  let text: string;
  try {
    text = execFileSync(path, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    text = String((err as { stdout?: string }).stdout ?? '');
  }
  return /mosquitto version (\S+)/.exec(text)?.[1] ?? 'unknown';
}
