import { describe, expect, it } from 'vitest';
import { OutboxPump, type PublishEntry } from '../../../edge-agent/outbox-pump.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import type { OutboxEntry } from '../../../edge-agent/outbox/outbox.ts';
import { ReconnectBackoff } from '../../../edge-agent/reconnect-backoff.ts';

/** A link that records publishes and lets the test acknowledge or fail them. */
function fakeLink(): { publish: PublishEntry; sent: OutboxEntry[]; settle: (seq: number, err?: Error) => void } {
  const sent: OutboxEntry[] = [];
  const callbacks = new Map<number, (err?: Error | null) => void>();
  return {
    sent,
    publish: (entry, done) => {
      sent.push(entry);
      callbacks.set(entry.seq, done);
    },
    settle: (seq, err) => callbacks.get(seq)!(err),
  };
}

const fill = (outbox: MemoryOutbox, n: number): void => {
  for (let i = 0; i < n; i++) outbox.enqueue((seq) => ({ topic: 't', payload: Buffer.from(String(seq)), qos: 1 }));
};

describe('OutboxPump', () => {
  it('sends nothing until attached, then in order within the in-flight window', () => {
    const outbox = new MemoryOutbox();
    const pump = new OutboxPump({ outbox, maxInFlight: 2 });
    fill(outbox, 5);
    pump.kick();
    const link = fakeLink();
    pump.attach(link.publish);
    expect(link.sent.map((e) => e.seq)).toEqual([0, 1]);
    link.settle(1); // acks may come out of order
    expect(link.sent.map((e) => e.seq)).toEqual([0, 1, 2]);
    link.settle(0);
    link.settle(2);
    expect(link.sent.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(outbox.size()).toBe(2);
    link.settle(3);
    link.settle(4);
    expect(pump.isIdle()).toBe(true);
  });

  it('after a lost link restarts from the oldest unacknowledged and ignores the old link', () => {
    const outbox = new MemoryOutbox();
    const acked: number[] = [];
    const pump = new OutboxPump({ outbox, maxInFlight: 10, onAcked: (e) => acked.push(e.seq) });
    fill(outbox, 4);
    const first = fakeLink();
    pump.attach(first.publish);
    first.settle(1);
    pump.detach();
    first.settle(0); // a late ack from a dead link: the entry is resent instead
    first.settle(2, new Error('Connection closed'));
    expect(acked).toEqual([1]);
    fill(outbox, 1); // produced while offline
    const second = fakeLink();
    pump.attach(second.publish);
    expect(second.sent.map((e) => e.seq)).toEqual([0, 2, 3, 4]);
  });

  it('reports a refused entry, keeps it, and sends it again on the next link', () => {
    const outbox = new MemoryOutbox();
    const failed: number[] = [];
    const pump = new OutboxPump({ outbox, maxInFlight: 1, onFailed: (e) => failed.push(e.seq) });
    fill(outbox, 2);
    const first = fakeLink();
    pump.attach(first.publish);
    first.settle(0, new Error('Publish error: Unspecified error'));
    expect(failed).toEqual([0]);
    expect(outbox.size()).toBe(2);
    pump.detach();
    const second = fakeLink();
    pump.attach(second.publish);
    expect(second.sent.map((e) => e.seq)).toEqual([0]);
  });

  it('keeps order when the link acknowledges synchronously (QoS 0 style)', () => {
    const outbox = new MemoryOutbox();
    const pump = new OutboxPump({ outbox, maxInFlight: 3 });
    fill(outbox, 7);
    const sent: number[] = [];
    pump.attach((entry, done) => {
      sent.push(entry.seq);
      done();
    });
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(outbox.size()).toBe(0);
  });
});

describe('ReconnectBackoff', () => {
  it('doubles from the first delay up to the ceiling, jittered into [d/2, d], and resets', () => {
    const low = new ReconnectBackoff(1000, 30_000, () => 0);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => low.nextDelayMs())).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    const high = new ReconnectBackoff(1000, 30_000, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => high.nextDelayMs())).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    high.reset();
    expect(high.nextDelayMs()).toBe(1000);
  });
});

describe('OutboxPump.stopSending', () => {
  it('still takes acknowledgements but sends nothing new', () => {
    const outbox = new MemoryOutbox();
    const pump = new OutboxPump({ outbox, maxInFlight: 1 });
    fill(outbox, 3);
    const link = fakeLink();
    pump.attach(link.publish);
    pump.stopSending();
    link.settle(0);
    expect(outbox.size()).toBe(2);
    expect(link.sent.map((e) => e.seq)).toEqual([0]);
  });
});
