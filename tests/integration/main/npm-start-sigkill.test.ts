/**
 * `npm start` killed with SIGKILL mid-run (a crash, the OOM killer, a pulled plug of the
 * process) and started again on the same data directory: everything the gateway
 * acknowledged is still in the log, alerting takes up the records it had not yet handled,
 * and tickets go on (the same door's ticket stays one, a new one gets the next number).
 * Nothing runs at shutdown here, so only what was durable before the kill counts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { pollUntil } from '../../support/poll-until.ts';

/** Doors stay silent in this scenario (it plays the drains only), so the test can speak for two of them. */
const SCENARIO = 'simulators/scenarios/grease-blockage.yaml';
const DOOR_A = 'dl8-b1-u1-door';
const DOOR_B = 'dl8-b2-u1-door';
const READY = 'Ctrl-C stops everything cleanly';

let dir: string | undefined;
const running: ChildProcess[] = [];
const clients: MqttClient[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((c) => c.endAsync(true)));
  for (const p of running.splice(0)) if (p.exitCode === null && p.signalCode === null) process.kill(-p.pid!, 'SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** `npm start` in a process group of its own, as a terminal runs it; its stdout kept whole. */
function startNpm(dataDir: string): { proc: ChildProcess; text: () => string } {
  const proc = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, OC_DATA_DIR: dataDir, OC_SIM_SCENARIO: SCENARIO, OC_MQTT_PORT: '0', OC_HTTP_PORT: '0', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(proc);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { proc, text: () => out };
}

const endOf = (proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve({ code: proc.exitCode, signal: proc.signalCode }) : proc.once('exit', (code, signal) => resolve({ code, signal }))));

async function ready(run: { proc: ChildProcess; text: () => string }): Promise<number> {
  await pollUntil('the start-up summary', () => {
    if (run.proc.exitCode !== null) throw new Error(`npm start exited (${run.proc.exitCode}):\n${run.text().slice(-3000)}`);
    return run.text().includes(READY);
  }, { timeoutMs: 90_000 });
  return Number(/MQTT gateway\s+mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(run.text())![1]);
}

function rows<T>(file: string, sql: string): T[] {
  const db = new Database(join(dir!, file), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}
const loggedEventIds = () => new Set(rows<{ value: Buffer }>('events.db', "SELECT value FROM records WHERE topic = 'oc.events'").map((r) => (JSON.parse(r.value.toString('utf8')) as { id: string }).id));
const ticketsOf = (door: string) => rows<{ id: string }>('alerting.db', `SELECT id FROM tickets WHERE fingerprint = 'dl8/${door}/door.forced-open'`).map((r) => r.id);
/** Events alerting has handled (it marks each in the same transaction as what it did with it). */
const handledByAlerting = () => new Set(rows<{ event_id: string }>('alerting.db', 'SELECT event_id FROM processed_events').map((r) => r.event_id));

/** A door as the edge agent speaks for it: its own login, QoS 1, one envelope per seq. */
async function door(port: number, deviceId: string, firstSeq: number) {
  const secrets = JSON.parse(readFileSync(join(dir!, 'simulator', 'device-secrets.json'), 'utf8')) as Record<string, string>;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: deviceId, username: deviceId, password: secrets[deviceId]!, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 20_000 });
  clients.push(client);
  let seq = firstSeq;
  return {
    /** Resolves on the gateway's PUBACK: from then on the envelope is the platform's to keep. */
    async forcedOpen(id: string): Promise<string> {
      const envelope = { v: 1, id, deviceId, kind: 'door', type: 'door.forced-open', ts: new Date().toISOString(), seq: seq++, data: { reason: 'opened-without-grant' } };
      await client.publishAsync(`oc/v1/${deviceId}/event`, JSON.stringify(envelope), { qos: 1 });
      return id;
    },
  };
}

it('survives SIGKILL mid-run: every acknowledged event is kept, alerting catches up, tickets go on', { timeout: 300_000 }, async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-sigkill-'));
  const first = startNpm(dir);
  const a = await door(await ready(first), DOOR_A, 0);
  const acked = [await a.forcedOpen('kill9-a-0')];
  const [ticketA] = await pollUntil(`the forced-door ticket of ${DOOR_A}`, () => (ticketsOf(DOOR_A).length === 1 ? ticketsOf(DOOR_A) : undefined), { timeoutMs: 60_000 });

  // A burst, then SIGKILL to the whole job the moment the last PUBACK is in: no shutdown runs.
  for (let i = 1; i <= 10; i++) acked.push(await a.forcedOpen(`kill9-a-${i}`));
  const killed = endOf(first.proc);
  process.kill(-first.proc.pid!, 'SIGKILL');
  expect(await killed).toEqual({ code: null, signal: 'SIGKILL' });
  await Promise.allSettled(clients.splice(0).map((c) => c.endAsync(true)));

  const second = startNpm(dir);
  const port = await ready(second);
  const kept = loggedEventIds();
  expect(acked.filter((id) => !kept.has(id)), 'acknowledged before the kill, missing after it').toEqual([]);
  // Alerting goes on from its committed position: it handles the burst it had not reached, once, into the one ticket.
  await pollUntil(`alerting handling all ${acked.length} forced-open events`, () => acked.every((id) => handledByAlerting().has(id)), { timeoutMs: 60_000 });
  expect(ticketsOf(DOOR_A), `forced-open tickets of ${DOOR_A} over both runs`).toEqual([ticketA]);

  // A new incident after the restart opens a new ticket with the next number, not a reused one.
  const b = await door(port, DOOR_B, 0);
  await b.forcedOpen('kill9-b-0');
  const [ticketB] = await pollUntil(`the forced-door ticket of ${DOOR_B} after the restart`, () => (ticketsOf(DOOR_B).length === 1 ? ticketsOf(DOOR_B) : undefined), { timeoutMs: 60_000 });
  expect(ticketB! > ticketA!, `${ticketB} comes after ${ticketA}`).toBe(true);
  const ids = rows<{ id: string }>('alerting.db', 'SELECT id FROM tickets').map((r) => r.id);
  expect(new Set(ids).size).toBe(ids.length);

  // And the restarted run still stops cleanly.
  await Promise.allSettled(clients.splice(0).map((c) => c.endAsync()));
  const stopped = endOf(second.proc);
  process.kill(-second.proc.pid!, 'SIGINT');
  expect(await stopped, second.text().slice(-3000)).toEqual({ code: 0, signal: null });
});
