/**
 * The phone page's outbox. A plumber's tap becomes an action with an id made on the phone,
 * written to storage before it is sent, and sent again with the same id until the server
 * answers: after a reload, a dropped connection or a dead battery. The server applies a
 * repeated id once, so "sent twice" is harmless and "not sent" cannot happen silently.
 *
 * No DOM here: storage, sending and timers come in through small interfaces.
 */

export type PhoneAction = 'accept' | 'arrive' | 'resolve' | 'comment';

export interface QueuedAction {
  actionId: string;
  ticketId: string;
  action: PhoneAction;
  note?: string;
  queuedAt: number;
  attempts: number;
  /** Why the last attempt did not get an answer, for the page to show. */
  lastError?: string;
  /** Tapped on a push notification (Accept): the delivery it came with, for the "accepted from the notification" receipt. */
  deliveryId?: string;
}

/** What an attempt came to. `retry`: no answer (offline, timeout, server error), try again later. */
export type SendOutcome =
  | { kind: 'done'; result?: unknown }
  | { kind: 'refused'; message: string; code?: string }
  | { kind: 'retry'; message: string }
  /** Signed out or the session expired: keep everything and wait for a sign-in. */
  | { kind: 'unauthenticated'; message: string };

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export interface QueueTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface QueueEvents {
  /** The queue changed (added, sent, failed): the page re-renders from `pending()`. */
  onChange?(): void;
  onDone?(action: QueuedAction, result: unknown): void;
  /** The server said no for good (e.g. the desk cancelled the ticket): the action is dropped, the page says why. */
  onRefused?(action: QueuedAction, message: string, code: string | undefined): void;
  onUnauthenticated?(message: string): void;
}

export interface ActionQueueOptions {
  storage: KeyValueStorage;
  /** One queue per signed-in person, so a shared phone never sends someone else's actions. */
  storageKey: string;
  send(action: QueuedAction): Promise<SendOutcome>;
  newId(): string;
  now(): number;
  timers: QueueTimers;
  events?: QueueEvents;
  /** Retry delays double from the first to the last, which then repeats. */
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export class ActionQueue {
  private items: QueuedAction[];
  private running: Promise<void> | undefined;
  private retryTimer: unknown;
  private retryDelayMs: number;
  private stopped = false;

  constructor(private readonly o: ActionQueueOptions) {
    this.items = readQueue(o.storage, o.storageKey);
    this.retryDelayMs = o.firstRetryMs ?? 1_000;
  }

  /** Stores the action first, then tries to send everything queued, in order. */
  enqueue(ticketId: string, action: PhoneAction, note?: string): QueuedAction {
    const item: QueuedAction = { actionId: this.o.newId(), ticketId, action, ...(note ? { note } : {}), queuedAt: this.o.now(), attempts: 0 };
    this.items.push(item);
    this.save();
    void this.flush();
    return item;
  }

  /**
   * Takes in an action queued somewhere else with its id already made (an Accept tapped on a
   * notification while offline), behind what is queued here. One already held is not added twice.
   */
  adopt(a: Pick<QueuedAction, 'actionId' | 'ticketId' | 'action' | 'queuedAt'> & { deliveryId?: string | undefined; attempts?: number }): boolean {
    if (this.items.some((x) => x.actionId === a.actionId)) return false;
    this.items.push({ actionId: a.actionId, ticketId: a.ticketId, action: a.action, queuedAt: a.queuedAt, attempts: a.attempts ?? 0, ...(a.deliveryId ? { deliveryId: a.deliveryId } : {}) });
    this.save();
    void this.flush();
    return true;
  }

  pending(): readonly QueuedAction[] {
    return this.items;
  }

  /**
   * Sends the queue head first, one at a time: a resolve must not overtake the accept
   * before it. Safe to call at any time (load, `online`, a timer); while a run is going,
   * callers get that run, which also picks up what was queued meanwhile.
   */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    this.cancelRetry();
    for (;;) {
      const head = this.items[0];
      if (!head || this.stopped) return;
      head.attempts += 1;
      this.save();
      const outcome = await this.o.send(head).catch((err: unknown): SendOutcome => ({ kind: 'retry', message: err instanceof Error ? err.message : String(err) }));
      if (this.stopped) return;
      if (outcome.kind === 'retry' || outcome.kind === 'unauthenticated') {
        head.lastError = outcome.message;
        this.save();
        if (outcome.kind === 'unauthenticated') this.o.events?.onUnauthenticated?.(outcome.message);
        else this.scheduleRetry();
        return;
      }
      this.items.shift();
      this.save();
      this.retryDelayMs = this.o.firstRetryMs ?? 1_000;
      if (outcome.kind === 'done') this.o.events?.onDone?.(head, outcome.result);
      else this.o.events?.onRefused?.(head, outcome.message, outcome.code);
    }
  }

  /** Whether a retry is waiting on its timer. */
  get retryScheduled(): boolean {
    return this.retryTimer !== undefined;
  }

  stop(): void {
    this.stopped = true;
    this.cancelRetry();
  }

  private scheduleRetry(): void {
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, this.o.maxRetryMs ?? 30_000);
    this.retryTimer = this.o.timers.setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, delay);
  }

  private cancelRetry(): void {
    if (this.retryTimer === undefined) return;
    this.o.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private save(): void {
    this.o.storage.setItem(this.o.storageKey, JSON.stringify(this.items));
    this.o.events?.onChange?.();
  }
}

/** A damaged or foreign value reads as an empty queue rather than breaking the page. */
function readQueue(storage: KeyValueStorage, key: string): QueuedAction[] {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(isQueuedAction) : [];
  } catch {
    return [];
  }
}

function isQueuedAction(v: unknown): v is QueuedAction {
  if (typeof v !== 'object' || v === null) return false;
  const a = v as Record<string, unknown>;
  return typeof a.actionId === 'string' && typeof a.ticketId === 'string' && typeof a.action === 'string' && typeof a.queuedAt === 'number' && typeof a.attempts === 'number';
}
