import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './mosquitto-env.ts';
import { missingServer, type ServerSetup } from './server-env.ts';

export interface InfluxServer {
  url: string;
  token: string;
  org: string;
  /** The bucket start.sh made; suites make their own with createBucket. */
  bucket: string;
}

/**
 * What the InfluxDB suites should do: run against a server, skip (a developer without
 * one), or fail. As for Kafka (kafka-env.ts): in CI a missing server is a broken
 * pipeline, never a reason to skip, so .ci/run must export OC_INFLUX_URL.
 */
export type InfluxSetup = ServerSetup<{ server: InfluxServer }>;

export function influxSetup(env: NodeJS.ProcessEnv = process.env): InfluxSetup {
  const url = env.OC_INFLUX_URL;
  if (!url) return missingServer(env, 'OC_INFLUX_URL', 'infra/influxdb/install.sh and start.sh, then OC_INFLUX_URL=http://127.0.0.1:18086');
  if (!/^https?:\/\/[^/\s]+(:\d+)?\/?$/.test(url)) return { state: 'broken', reason: `OC_INFLUX_URL must be http(s)://host:port, got ${url}` };
  // The defaults are what infra/influxdb/start.sh sets up.
  return {
    state: 'ready',
    server: {
      url: url.replace(/\/$/, ''),
      token: env.OC_INFLUX_TOKEN ?? 'opencompound-dev-token',
      org: env.OC_INFLUX_ORG ?? 'opencompound',
      bucket: env.OC_INFLUX_BUCKET ?? 'telemetry',
    },
  };
}

async function api(server: InfluxServer, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Token ${server.token}`, 'Content-Type': 'application/json', ...init.headers } });
  const text = await res.text();
  if (!res.ok) throw new Error(`InfluxDB ${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A fresh bucket of the server's org (retention in seconds, 0: for ever); resolves with its name and id. */
export async function createBucket(server: InfluxServer, retentionSeconds = 0): Promise<{ name: string; id: string }> {
  const orgs = (await api(server, `/api/v2/orgs?org=${encodeURIComponent(server.org)}`)) as { orgs: { id: string }[] };
  const name = `oc-test-${randomUUID().slice(0, 8)}`;
  const body = { orgID: orgs.orgs[0]!.id, name, retentionRules: retentionSeconds > 0 ? [{ type: 'expire', everySeconds: retentionSeconds }] : [] };
  const created = (await api(server, '/api/v2/buckets', { method: 'POST', body: JSON.stringify(body) })) as { id: string };
  return { name, id: created.id };
}

export async function deleteBucket(server: InfluxServer, id: string): Promise<void> {
  await api(server, `/api/v2/buckets/${id}`, { method: 'DELETE' });
}

/** Line protocol straight to the write endpoint, bypassing the adapter (to prepare a conflict). */
export async function writeLines(server: InfluxServer, bucket: string, lines: string): Promise<void> {
  const res = await fetch(`${server.url}/api/v2/write?org=${encodeURIComponent(server.org)}&bucket=${encodeURIComponent(bucket)}&precision=ms`, {
    method: 'POST',
    headers: { Authorization: `Token ${server.token}` },
    body: lines,
  });
  if (!res.ok) throw new Error(`InfluxDB write: HTTP ${res.status} ${await res.text()}`);
}

const run = promisify(execFile);

/**
 * Stops and starts the server through infra/influxdb/*.sh (data kept: a restart, not a
 * wipe). The port comes from OC_INFLUX_URL; OC_INFLUX_STATE_DIR passes through from the
 * environment, so a suite may run against its own server.
 */
export async function stopInflux(server: InfluxServer): Promise<void> {
  await script('stop.sh', server);
}

export async function startInflux(server: InfluxServer): Promise<void> {
  await script('start.sh', server);
}

async function script(name: string, server: InfluxServer): Promise<void> {
  const path = resolve(REPO_ROOT, 'infra/influxdb', name);
  const port = new URL(server.url).port || '80';
  try {
    await run('bash', [path], { env: { ...process.env, OC_INFLUX_PORT: port, OC_INFLUX_TOKEN: server.token, OC_INFLUX_ORG: server.org, OC_INFLUX_BUCKET: server.bucket }, timeout: 120_000 });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`infra/influxdb/${name} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, { cause: err });
  }
}
