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
