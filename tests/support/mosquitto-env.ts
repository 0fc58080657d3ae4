import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingServer, type ServerSetup } from './server-env.ts';

/** The repository root, for the infra/mosquitto scripts and their state directory. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const PLATFORM_USER = 'oc-platform';

export interface MosquittoTarget {
  url: string;
  host: string;
  port: number;
  /** Login → password, as infra/mosquitto/start.sh wrote them. */
  credentials: ReadonlyMap<string, string>;
  credentialsPath: string;
}

/**
 * What the infra suite should do: run against a broker, skip (a developer without
 * one), or fail. In CI a missing broker is a broken pipeline, never a reason to
 * skip: .ci/run exports OC_MOSQUITTO_URL, so its absence there must turn red.
 */
export type MosquittoSetup = ServerSetup<{ target: MosquittoTarget }>;

export function mosquittoSetup(env: NodeJS.ProcessEnv = process.env): MosquittoSetup {
  const url = env.OC_MOSQUITTO_URL;
  if (!url) return missingServer(env, 'OC_MOSQUITTO_URL', 'infra/mosquitto/start.sh, see infra/README.md');
  const credentialsPath = env.OC_MOSQUITTO_CREDENTIALS ?? resolve(REPO_ROOT, 'infra/.cache/mosquitto/credentials.txt');
  let text: string;
  try {
    text = readFileSync(credentialsPath, 'utf8');
  } catch (err) {
    return { state: 'broken', reason: `cannot read Mosquitto credentials ${credentialsPath}: ${(err as Error).message}` };
  }
  const parsed = new URL(url);
  if (parsed.protocol !== 'mqtt:') return { state: 'broken', reason: `OC_MOSQUITTO_URL must be mqtt://host:port, got ${url}` };
  return {
    state: 'ready',
    target: {
      url,
      host: parsed.hostname,
      port: Number(parsed.port || 1883),
      credentials: parseCredentials(text),
      credentialsPath,
    },
  };
}

/** Lines `<login> <password>`; the format start.sh writes. */
export function parseCredentials(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [user, password] = line.trim().split(/\s+/);
    if (user && password) out.set(user, password);
  }
  return out;
}

export function passwordOf(target: MosquittoTarget, login: string): string {
  const password = target.credentials.get(login);
  if (!password) {
    throw new Error(`${login} has no Mosquitto login in ${target.credentialsPath}; add it to infra/mosquitto/test-devices.txt and run start.sh again`);
  }
  return password;
}
