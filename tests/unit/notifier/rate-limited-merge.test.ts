import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../../services/notifier/channels/port.ts';
import { DeliverySender } from '../../../services/notifier/delivery-sender.ts';
import { deliveryIdOf, type Delivery } from '../../../services/notifier/delivery.ts';
import { SqliteDeliveryStore } from '../../../services/notifier/store/sqlite-delivery-store.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * A robot allowing 2 messages a minute: what arrives while its window is full waits
 * and goes as one summary when the window reopens; nothing is dropped. The clock is
 * pinned; only the channel is a stand-in (it records what it was asked to send).
 */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const delivery = (i: number, now: number): Delivery => {
  const notificationId = `T${i}/v1/0`;
  const recipient = { kind: 'group' as const, id: 'duty' };
  return {
    id: deliveryIdOf(notificationId, 'dingtalk', recipient, 'duty'),
    notificationId,
    ticketId: `T${i}`,
    channel: 'dingtalk',
    recipient,
    target: 'duty',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    message: { notificationId, ticketId: `T${i}`, kind: 'ticket.opened', priority: 'P1', message: { zh: `${i}`, en: `${i}` }, at: now, ticketUrl: '', lang: 'zh' },
    createdAt: now,
    updatedAt: now,
  };
};

it('holds a burst past the limit and sends it merged when the window reopens', async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-merge-'));
  const store = SqliteDeliveryStore.open(join(dir, 'notifier.db'));
  const clock = new ManualClock(1_000_000);
  const messages: string[][] = [];
  const channel: Channel = {
    kind: 'dingtalk',
    mergeLimit: 50,
    rateLimit: { messages: 2, perMs: 60_000 },
    send: async (_t, list): Promise<SendResult> => {
      messages.push(list.map((d) => d.ticketId));
      return { ok: true };
    },
  };
  const sender = new DeliverySender({ store, channels: [channel], retry: { baseMs: 10, maxDelayMs: 100, maxAttempts: 3, timeoutMs: 100 }, clock, logger: silentLogger(), onReceipts: () => undefined });
  sender.start();
  for (let i = 1; i <= 2; i++) {
    store.addDeliveries([delivery(i, clock.now())], []);
    sender.kick();
    await pollUntil(`message ${i}`, () => messages.length === i);
  }
  // The window is full: ten more wait.
  store.addDeliveries(Array.from({ length: 10 }, (_, i) => delivery(i + 3, clock.now())), []);
  sender.kick();
  await pollUntil('the burst held for the window', () => store.counts().pending === 10 && store.nextDueAt() === 1_000_000 + 60_000);
  expect(messages).toHaveLength(2);
  clock.advance(60_000);
  sender.kick();
  await pollUntil('the summary', () => messages.length === 3);
  expect(messages[2]).toEqual(Array.from({ length: 10 }, (_, i) => `T${i + 3}`));
  expect(store.counts()).toEqual({ delivered: 12 });
  await sender.close();
  store.close();
});
