import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, type MosquittoTarget } from './mosquitto-env.ts';

const run = promisify(execFile);

/**
 * Stops and starts the broker through the same scripts CI uses. The port comes from
 * the URL the suite tests against, so a developer's non-default port is kept.
 * Restarts keep Mosquitto's persisted sessions: a broker outage must not cost the
 * platform subscriber the messages queued for it.
 */
export async function stopMosquitto(target: MosquittoTarget): Promise<void> {
  await script('stop.sh', target, {});
}

export async function startMosquitto(target: MosquittoTarget): Promise<void> {
  await script('start.sh', target, { OC_MOSQUITTO_KEEP_STATE: '1' });
}

async function script(name: string, target: MosquittoTarget, extraEnv: Record<string, string>): Promise<void> {
  const path = resolve(REPO_ROOT, 'infra/mosquitto', name);
  try {
    await run('bash', [path], {
      env: { ...process.env, OC_MOSQUITTO_PORT: String(target.port), ...extraEnv },
      timeout: 60_000,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`infra/mosquitto/${name} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}
