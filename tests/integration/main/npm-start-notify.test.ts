/**
 * Done-when of issue 15: `npm start` with OC_NOTIFY_WEBHOOK_URL at a local receiver
 * delivers the demo's forced-door P1 within seconds, with a valid signature, and the
 * secret shows nowhere in the output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { verifyWebhook } from '../../../services/notifier/channels/webhook-signature.ts';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { TEST_SECRET } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

let child: ChildProcess | undefined;
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await cleanup?.();
});

it('delivers the forced-door P1 to the webhook within seconds, signed', { timeout: 180_000 }, () => forcedDoorAtWebhook('simulators/scenarios/forced-door.yaml'));

// Plain `npm start`: the live demo's own forced door (a minute into its script, at 10x) is the one that arrives.
it('delivers the live demo’s forced door the same way with no scenario chosen', { timeout: 180_000 }, () => forcedDoorAtWebhook(undefined));

async function forcedDoorAtWebhook(scenario: string | undefined): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-notify-'));
  const receiver = await LoopbackReceiver.start();
  cleanup = async () => {
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  };
  child = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      OC_DATA_DIR: dir,
      OC_MQTT_PORT: '0',
      OC_HTTP_PORT: '0',
      OC_LOG_FORMAT: 'json',
      OC_LOG_LEVEL: 'info',
      OC_SIM_SCENARIO: scenario,
      OC_NOTIFY_WEBHOOK_URL: `${receiver.url}/oc`,
      OC_NOTIFY_WEBHOOK_SECRET: TEST_SECRET,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => void (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => void (out += c.toString()));
  await pollUntil('the start-up summary', () => out.includes('Ctrl-C stops everything cleanly'), { timeoutMs: 120_000 });
  expect(out).toContain('  notifier      1 webhook(s)');

  const forced = await pollUntil(
    'the forced-door P1 at the webhook',
    () => receiver.requests.find((r) => {
      const b = JSON.parse(r.body) as { priority: string; kind: string; message: { en: string } };
      return b.priority === 'P1' && b.kind === 'ticket.opened' && /forced/i.test(b.message.en);
    }),
    { timeoutMs: 60_000 },
  );
  const body = JSON.parse(forced.body) as { at: number; ticketUrl: string };
  expect(verifyWebhook(TEST_SECRET, forced.body, forced.headers['x-oc-signature'] as string, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true });
  // From the ticket's notification being queued to the receiver: seconds at most (in practice milliseconds).
  expect(forced.at - body.at).toBeLessThan(5_000);
  // OC_HTTP_PORT=0: the link names the port the API was bound on, as the summary does (it once said localhost:0).
  const httpPort = /\n {2}API +http:\/\/[^:]+:(\d+)\//.exec(out)?.[1];
  expect(Number(httpPort)).toBeGreaterThan(0);
  expect(body.ticketUrl).toMatch(new RegExp(`^http://localhost:${httpPort}/#/ticket/T`));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  expect(await exited).toBe(0);
  expect(out).not.toContain(TEST_SECRET);
}
