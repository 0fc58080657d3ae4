import { describe, expect, it } from 'vitest';
import { ActionQueue, type KeyValueStorage, type QueuedAction, type SendOutcome } from '../../../services/web/src/logic/action-queue.ts';

/** The phone's localStorage, kept across "reloads" (new queues over the same storage). */
class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
}

/** Timers the test fires by hand: retries happen when the test says, not after a sleep. */
class HandTimers {
  private next = 1;
  readonly due = new Map<number, () => void>();
  setTimeout(fn: () => void, _ms: number): unknown {
    const id = this.next++;
    this.due.set(id, fn);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  fireAll(): void {
    const fns = [...this.due.values()];
    this.due.clear();
    for (const fn of fns) fn();
  }
}

/** A server the test scripts: answers per call, and records every attempt with its action id. */
function server(answers: SendOutcome[]) {
  const seen: QueuedAction[] = [];
  const send = async (a: QueuedAction): Promise<SendOutcome> => {
    seen.push({ ...a });
    return answers.shift() ?? { kind: 'done', result: { ok: a.actionId } };
  };
  return { seen, send };
}

function queue(storage: MemoryStorage, timers: HandTimers, send: (a: QueuedAction) => Promise<SendOutcome>, events = {}) {
  let n = 0;
  return new ActionQueue({ storage, storageKey: 'oc.phone.queue.jiang-ming', send, newId: () => `action-${++n}-uuid`, now: () => 1_000, timers, events });
}

describe("the phone's outbox", () => {
  it('writes the action down before it is sent', async () => {
    const storage = new MemoryStorage();
    let storedAtSend: string | null = null;
    const q = queue(storage, new HandTimers(), async () => {
      storedAtSend = storage.getItem('oc.phone.queue.jiang-ming');
      return { kind: 'done' };
    });
    q.enqueue('T20260715-0001', 'accept');
    await q.flush();
    expect(JSON.parse(storedAtSend!)).toMatchObject([{ ticketId: 'T20260715-0001', action: 'accept', actionId: 'action-1-uuid' }]);
    expect(q.pending()).toEqual([]);
  });

  it('retries with the same action id until the server answers, and reports the answer once', async () => {
    const storage = new MemoryStorage();
    const timers = new HandTimers();
    const { seen, send } = server([
      { kind: 'retry', message: 'no connection' },
      { kind: 'retry', message: 'timed out' },
    ]);
    const done: string[] = [];
    const q = queue(storage, timers, send, { onDone: (a: QueuedAction) => done.push(a.actionId) });
    q.enqueue('T20260715-0001', 'arrive');
    await q.flush();
    expect(q.pending()).toMatchObject([{ attempts: 1, lastError: 'no connection' }]);
    expect(q.retryScheduled).toBe(true);
    timers.fireAll();
    await q.flush();
    timers.fireAll();
    await q.flush();
    expect(seen.map((a) => a.actionId)).toEqual(['action-1-uuid', 'action-1-uuid', 'action-1-uuid']);
    expect(done).toEqual(['action-1-uuid']);
    expect(q.pending()).toEqual([]);
  });

  it('survives a reload: a new page sends what the old one could not, with the same id', async () => {
    const storage = new MemoryStorage();
    const first = queue(storage, new HandTimers(), async () => ({ kind: 'retry', message: 'offline' }));
    first.enqueue('T20260715-0001', 'resolve', 'door re-latched');
    await first.flush();
    first.stop();

    const { seen, send } = server([]);
    const second = queue(storage, new HandTimers(), send);
    expect(second.pending()).toHaveLength(1);
    await second.flush();
    expect(seen).toMatchObject([{ actionId: 'action-1-uuid', action: 'resolve', note: 'door re-latched', attempts: 2 }]);
    expect(JSON.parse(storage.getItem('oc.phone.queue.jiang-ming')!)).toEqual([]);
  });

  it('sends in order, so a resolve never overtakes the accept before it', async () => {
    const { seen, send } = server([{ kind: 'retry', message: 'offline' }]);
    const timers = new HandTimers();
    const q = queue(new MemoryStorage(), timers, send);
    q.enqueue('T20260715-0001', 'accept');
    q.enqueue('T20260715-0001', 'arrive');
    q.enqueue('T20260715-0001', 'resolve', 'fixed');
    await q.flush();
    timers.fireAll();
    await q.flush();
    expect(seen.map((a) => a.action)).toEqual(['accept', 'accept', 'arrive', 'resolve']);
  });

  it('drops what the server refuses for good, and says so', async () => {
    const refused: string[] = [];
    const { send } = server([{ kind: 'refused', message: 'the ticket is cancelled', code: 'OC_TICKET_ILLEGAL_TRANSITION' }]);
    const q = queue(new MemoryStorage(), new HandTimers(), send, { onRefused: (_a: QueuedAction, m: string) => refused.push(m) });
    q.enqueue('T20260715-0001', 'arrive');
    q.enqueue('T20260715-0002', 'accept');
    await q.flush();
    expect(refused).toEqual(['the ticket is cancelled']);
    expect(q.pending()).toEqual([]);
  });

  it('keeps everything and stops when the session has ended, until someone signs in', async () => {
    const timers = new HandTimers();
    const told: string[] = [];
    const q = queue(new MemoryStorage(), timers, async () => ({ kind: 'unauthenticated', message: 'session expired' }), { onUnauthenticated: (m: string) => told.push(m) });
    q.enqueue('T20260715-0001', 'accept');
    await q.flush();
    expect(told).toEqual(['session expired']);
    expect(q.pending()).toHaveLength(1);
    expect(timers.due.size).toBe(0);
  });

  it('runs one send at a time however often it is woken', async () => {
    let inFlight = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const q = queue(new MemoryStorage(), new HandTimers(), async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => release.push(r));
      inFlight -= 1;
      return { kind: 'done' };
    });
    q.enqueue('T20260715-0001', 'accept');
    const runs = [q.flush(), q.flush(), q.flush()];
    while (release.length === 0) await Promise.resolve();
    release.shift()!();
    await Promise.all(runs);
    expect(most).toBe(1);
  });

  it('reads a damaged store as empty instead of breaking the page', () => {
    const storage = new MemoryStorage();
    storage.setItem('oc.phone.queue.jiang-ming', '{not json');
    expect(queue(storage, new HandTimers(), async () => ({ kind: 'done' })).pending()).toEqual([]);
    storage.setItem('oc.phone.queue.jiang-ming', JSON.stringify([{ actionId: 'x' }, { actionId: 'a-1', ticketId: 'T1', action: 'accept', queuedAt: 1, attempts: 0 }]));
    expect(queue(storage, new HandTimers(), async () => ({ kind: 'done' })).pending().map((a) => a.actionId)).toEqual(['a-1']);
  });
});

describe('Accepts tapped on a notification', () => {
  it('join the queue with the id made at the tap, once, and keep the delivery they came with', async () => {
    const storage = new MemoryStorage();
    const timers = new HandTimers();
    const s = server([{ kind: 'retry', message: 'offline' }]);
    const done: QueuedAction[] = [];
    const q = queue(storage, timers, s.send, { onDone: (a: QueuedAction) => done.push(a) });
    const tapped = { actionId: 'tapped-1', ticketId: 'T20261207-0007', action: 'accept' as const, queuedAt: 900, deliveryId: 'n1|push|person:chen-gang|sub-1' };
    expect(q.adopt(tapped)).toBe(true);
    expect(q.adopt(tapped)).toBe(false);
    await q.flush();
    expect(q.pending()).toMatchObject([{ actionId: 'tapped-1', deliveryId: tapped.deliveryId, attempts: 1, lastError: 'offline' }]);
    // A reload: the same queue from storage, sent with the same id.
    const again = queue(storage, timers, s.send, { onDone: (a: QueuedAction) => done.push(a) });
    await again.flush();
    expect(s.seen.map((a) => a.actionId)).toEqual(['tapped-1', 'tapped-1']);
    expect(done).toMatchObject([{ actionId: 'tapped-1', deliveryId: tapped.deliveryId }]);
  });
});
