import { describe, expect, it } from 'vitest';
import { DeliveryTally } from '../../../services/monitor/delivery-tally.ts';

describe('DeliveryTally', () => {
  it('counts duplicates by id and open gaps per device', () => {
    const t = new DeliveryTally();
    expect(t.add('a', 'a-0', 0)).toBe(true);
    expect(t.add('a', 'a-1', 1)).toBe(true);
    expect(t.add('a', 'a-1', 1)).toBe(false);
    expect(t.add('a', 'a-4', 4)).toBe(true);
    expect(t.add('b', 'b-7', 7)).toBe(true);
    expect(t.duplicates).toBe(1);
    expect(t.missing()).toBe(2); // a-2, a-3
    expect(t.arrived('a')).toEqual([0, 1, 4]);
    t.add('a', 'a-3', 3);
    t.add('a', 'a-2', 2);
    expect(t.missing()).toBe(0);
    expect(t.devices).toBe(2);
  });

  it('counts gaps from the lowest seq seen, for readers that resume mid-stream', () => {
    const t = new DeliveryTally();
    t.add('a', 'a-100', 100);
    t.add('a', 'a-102', 102);
    expect(t.missing()).toBe(1);
  });
});

describe('DeliveryTally across counter resets', () => {
  it('counts one bogus seq of 2^53 - 1 as a reset, not as 9 quadrillion lost messages', () => {
    const t = new DeliveryTally();
    for (let seq = 0; seq < 20; seq++) t.add('a', `a-${seq}`, seq);
    t.add('a', 'a-huge', Number.MAX_SAFE_INTEGER);
    expect(t.missing()).toBe(0);
    expect(t.resets).toBe(1);
  });

  it('starts a new epoch when a device counts from 0 again: no loss, no duplicates', () => {
    const t = new DeliveryTally();
    for (let seq = 0; seq < 50; seq++) t.add('a', `boot1-${seq}`, seq);
    for (let seq = 0; seq < 10; seq++) t.add('a', `boot2-${seq}`, seq);
    expect(t).toMatchObject({ duplicates: 0, resets: 1 });
    expect(t.missing()).toBe(0);
    // A gap inside the new epoch is still a gap.
    t.add('a', 'boot2-12', 12);
    expect(t.missing()).toBe(2);
  });

  it('keeps a little reordering (topics read in turns) inside one epoch', () => {
    const t = new DeliveryTally();
    t.add('a', 'a-500', 500);
    t.add('a', 'a-300', 300);
    expect(t.resets).toBe(0);
    expect(t.missing()).toBe(199);
  });
});
