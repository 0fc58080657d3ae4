import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../../services/shared/clock.ts';
import type { CameraNotification } from '../../../../../simulators/protocols/camera/notifications.ts';
import { PullPointManager } from '../../../../../simulators/protocols/camera/pull-point.ts';

const note = (n: number): CameraNotification => ({ topic: 'tns1:VideoSource/SignalLoss', utcTimeMs: n, operation: 'Changed', source: [], data: [] });
const LONG = 60_000;

describe('pull points', () => {
  it('queues for every live subscription and hands out up to the limit', () => {
    const m = new PullPointManager(new ManualClock(0));
    const a = m.create(LONG);
    const b = m.create(LONG);
    for (let i = 0; i < 3; i++) m.publish(note(i));
    expect(m.take(a, 2).map((n) => n.utcTimeMs)).toEqual([0, 1]);
    expect(m.take(a, 10).map((n) => n.utcTimeMs)).toEqual([2]);
    expect(m.take(b, 10)).toHaveLength(3);
  });

  it('a waiting pull wakes when something is published', async () => {
    const m = new PullPointManager(new ManualClock(0));
    const p = m.create(LONG);
    const waited = m.waitForMessages(p, LONG, new AbortController().signal);
    expect(m.waiting).toBe(1);
    m.publish(note(1));
    await waited;
    expect(m.waiting).toBe(0);
    expect(m.take(p, 10)).toHaveLength(1);
  });

  it('a client that leaves takes nothing off the queue', async () => {
    const m = new PullPointManager(new ManualClock(0));
    const p = m.create(LONG);
    const gone = new AbortController();
    const waited = m.waitForMessages(p, LONG, gone.signal);
    gone.abort();
    await waited;
    m.publish(note(1));
    expect(p.queue).toHaveLength(1);
  });

  it('ends at the timeout with nothing to hand out', async () => {
    const m = new PullPointManager(new ManualClock(0));
    const p = m.create(LONG);
    await m.waitForMessages(p, 5, new AbortController().signal);
    expect(m.take(p, 10)).toEqual([]);
  });

  it('is pulled through once every live pull point is empty and has a pull waiting', async () => {
    const m = new PullPointManager(new ManualClock(0));
    expect(m.pulledThrough).toBe(true); // nobody subscribed: nothing can be pulled
    const p = m.create(LONG);
    expect(m.pulledThrough).toBe(false); // subscribed, not pulling yet
    const gone = new AbortController();
    const waited = m.waitForMessages(p, LONG, gone.signal);
    expect(m.pulledThrough).toBe(true);
    m.publish(note(1));
    await waited;
    expect(m.pulledThrough).toBe(false); // answered, but the queue is not taken yet
    m.take(p, 10);
    void m.waitForMessages(p, LONG, gone.signal);
    expect(m.pulledThrough).toBe(true);
    gone.abort();
  });

  it('expires by the device clock, bounds the queue, and forgets everything on clear', async () => {
    const clock = new ManualClock(0);
    const m = new PullPointManager(clock, 3);
    const p = m.create(1_000);
    for (let i = 0; i < 5; i++) m.publish(note(i));
    expect(p.queue.map((n) => n.utcTimeMs)).toEqual([2, 3, 4]);
    clock.set(1_000);
    expect(m.get(p.id)).toBeUndefined();
    const q = m.create(LONG);
    const waited = m.waitForMessages(q, LONG, new AbortController().signal);
    m.clear();
    await waited;
    expect(m.size).toBe(0);
  });
});
