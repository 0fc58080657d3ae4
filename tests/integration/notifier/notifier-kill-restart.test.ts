/**
 * Exactly-once effect on at-least-once input: the notifier as its own process
 * (`npm run notifier`) is SIGKILLed while requests hang at the receiver, then
 * restarted on the same data dir. Every notification reaches the receiver, and none
 * the receiver acknowledged is sent again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { parseReceipt } from '../../../services/shared/delivery-receipt.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { TEST_SECRET } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { LogRecorder } from '../../support/log-recorder.ts';

const children: ChildProcess[] = [];
let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await cleanup?.();
});

function startNotifier(dataDir: string, url: string): { proc: ChildProcess; started: Promise<void> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/notifier/cli.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, OC_DATA_DIR: dataDir, OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', OC_NOTIFY_WEBHOOK_URL: url, OC_NOTIFY_WEBHOOK_SECRET: TEST_SECRET, OC_NOTIFY_RETRY_BASE_MS: '50', OC_NOTIFY_TIMEOUT_MS: '60000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
  let text = '';
  const started = new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('notifier started')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`notifier exited (${code}) before starting:\n${text}`)));
  });
  return { proc, started };
}

it('loses nothing and repeats nothing acknowledged when SIGKILLed mid-send', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-notifier-kill-'));
  const receiver = await LoopbackReceiver.start();
  const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
  const recorder = await LogRecorder.start(log, [LOG_TOPICS.notifications]);
  cleanup = async () => {
    await recorder.close();
    await log.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  };

  // The first 5 requests are answered; later ones hang, as a receiver stuck mid-request would.
  const acked: string[] = [];
  receiver.respond = (r, i) => {
    if (i >= 5) return 'hang';
    acked.push(r.headers['x-oc-delivery-id'] as string);
    return { status: 200 };
  };
  const first = startNotifier(dir, `${receiver.url}/hook`);
  await first.started;
  const total = 20;
  const records = Array.from({ length: total }, (_, i) => {
    const ticketId = `T20261207-${String(i + 1).padStart(4, '0')}`;
    const notification = { id: `${ticketId}/v1/0`, kind: 'ticket.opened', ticketId, to: { role: 'operator' }, at: 0, priority: 'P1', message: { zh: `门被强行打开 ${i}`, en: `Door forced ${i}` } };
    return { key: ticketId, value: JSON.stringify({ kind: 'notification', notification }) };
  });
  await log.append(LOG_TOPICS.tickets, records);
  await pollUntil('some requests to hang at the receiver', () => receiver.requests.length >= 8);
  // The kill comes once the notifier has recorded the answers it got (the receipts say so). Between a
  // receiver's 200 and that record lies a window of microseconds; a repeat from it carries the same
  // X-OC-Delivery-Id, which receivers are told to drop (README "Notifications").
  await pollUntil('the 5 answered deliveries recorded', () => recorder.of(LOG_TOPICS.notifications).filter((r) => parseReceipt(r.value)?.status === 'delivered').length === 5);
  first.proc.kill('SIGKILL');
  await new Promise<void>((resolve) => (first.proc.exitCode !== null || first.proc.signalCode !== null ? resolve() : first.proc.once('exit', () => resolve())));
  expect(acked).toHaveLength(5);

  receiver.respond = (r) => {
    acked.push(r.headers['x-oc-delivery-id'] as string);
    return { status: 200 };
  };
  const second = startNotifier(dir, `${receiver.url}/hook`);
  await second.started;
  await pollUntil('every notification acknowledged by the receiver', () => new Set(acked).size === total, { timeoutMs: 60_000 });
  // Nothing the receiver acknowledged was sent again: each delivery id answered 200 exactly once.
  expect(acked).toHaveLength(total);
  const delivered = await pollUntil('a delivered receipt per notification on oc.notifications', () => {
    const ids = new Set(recorder.of(LOG_TOPICS.notifications).map((r) => parseReceipt(r.value)).filter((r) => r?.status === 'delivered').map((r) => r!.deliveryId));
    return ids.size === total ? ids : undefined;
  });
  expect([...delivered].sort()).toEqual([...new Set(acked)].sort());
  second.proc.kill('SIGTERM');
});
