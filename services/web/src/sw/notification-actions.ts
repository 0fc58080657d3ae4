/**
 * What a tap on a notification does, without the worker's globals (they come in as
 * small interfaces, so unit tests drive it): Accept becomes an accept action with an id
 * made at the tap, written to the outbox before it is sent and sent again with the same
 * id until the server answers (the server applies an id once); Open (or a tap on the
 * notification) opens the ticket on the phone page. Each becomes a receipt on the
 * ticket's timeline: "opened" or "accepted from the notification".
 */
import { ticketPageUrl, type NotificationData } from './push-message.ts';
import { acceptPath, PUSH_RECEIPTS_PATH, type PushInteraction } from './push-receipt.ts';
import { receiptItemId, type Outbox, type OutboxItem } from './sw-outbox.ts';

/** What one request came to; `retry`: no answer worth believing (offline, timeout, 5xx, 408, 429, signed out). */
export type PostOutcome = { kind: 'done' } | { kind: 'refused'; message: string } | { kind: 'retry'; message: string };

export interface NotificationActionsDeps {
  outbox: Outbox;
  post(path: string, body: unknown): Promise<PostOutcome>;
  newId(): string;
  now(): number;
  /** Focus the phone page if it is open (navigating it to `url`), else open it. */
  open(url: string): Promise<void>;
  /** Tells the person an Accept was refused for good (the desk moved the ticket on): a notification of its own. */
  refused?(ticketId: string, lang: 'zh' | 'en', message: string): Promise<void>;
}

export class NotificationActions {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly d: NotificationActionsDeps) {}

  async click(data: NotificationData, action: string): Promise<void> {
    if (action === 'accept' && data.canAccept) {
      const actionId = this.d.newId();
      await this.d.outbox.put({ id: actionId, kind: 'action', actionId, ticketId: data.ticketId, action: 'accept', deliveryId: data.deliveryId, queuedAt: this.d.now(), attempts: 0 });
      this.langs.set(data.ticketId, data.lang);
      return this.flush();
    }
    // Opening comes first: the browser lets a click open a window only while it is fresh.
    const opened = this.d.open(ticketPageUrl(data.ticketId)).catch(() => undefined);
    await this.queueReceipt(data.deliveryId, 'clicked');
    await Promise.all([opened, this.flush()]);
  }

  /** Puts a receipt in the outbox (the page calls it when its queue sent an Accept that came from a notification). */
  async queueReceipt(deliveryId: string, status: PushInteraction): Promise<void> {
    await this.d.outbox.put({ id: receiptItemId(deliveryId, status), kind: 'receipt', deliveryId, status, queuedAt: this.d.now(), attempts: 0 });
  }

  /**
   * Sends the outbox oldest first, one at a time, stopping at the first that gets no
   * answer (the rest would not either). Safe at any moment; a call during a run makes
   * the run look again when it ends, so nothing queued meanwhile waits for the next event.
   */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.sendAll();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The language of the notification an Accept came from, for the refusal notice. */
  private readonly langs = new Map<string, 'zh' | 'en'>();

  private async sendAll(): Promise<void> {
    for (const item of await this.d.outbox.all()) {
      const outcome = await this.send(item).catch((err: unknown): PostOutcome => ({ kind: 'retry', message: err instanceof Error ? err.message : String(err) }));
      if (outcome.kind === 'retry') {
        await this.d.outbox.put({ ...item, attempts: item.attempts + 1, lastError: outcome.message });
        return;
      }
      await this.d.outbox.remove(item.id);
      if (item.kind !== 'action') continue;
      if (outcome.kind === 'done') await this.queueReceipt(item.deliveryId, 'accepted');
      else await this.d.refused?.(item.ticketId, this.langs.get(item.ticketId) ?? 'zh', outcome.message).catch(() => undefined);
      this.again = true;
    }
  }

  private send(item: OutboxItem): Promise<PostOutcome> {
    if (item.kind === 'action') return this.d.post(acceptPath(item.ticketId), { actionId: item.actionId });
    return this.d.post(PUSH_RECEIPTS_PATH, { deliveryId: item.deliveryId, status: item.status });
  }
}

/** A fetch answer as an outcome: the same line the page's own action queue draws (services/web/src/api/http.ts). */
export async function outcomeOf(res: Response): Promise<PostOutcome> {
  if (res.ok) return { kind: 'done' };
  const text = await res.text().catch(() => '');
  let message = `HTTP ${res.status}`;
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON: the status says enough
  }
  if (res.status === 401 || res.status === 408 || res.status === 429 || res.status >= 500) return { kind: 'retry', message };
  return { kind: 'refused', message };
}
