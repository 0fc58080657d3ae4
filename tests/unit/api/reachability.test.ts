import { describe, expect, it } from 'vitest';
import { reachabilityWarning } from '../../../services/api/routes/deliveries.ts';

describe('who on shift can be reached', () => {
  const at = 1_000;
  it('warns of nobody whose last delivery on some channel worked, or who has a phone with notifications on', () => {
    expect(reachabilityWarning([{ channel: 'push', status: 'delivered', at }], 1)).toBeNull();
    expect(reachabilityWarning([{ channel: 'email', status: 'accepted', at }, { channel: 'push', status: 'given-up', at }], 0)).toBeNull();
    expect(reachabilityWarning([], 1)).toBeNull();
  });

  it('warns of no channel when nothing could reach them, even after a "nobody reached" receipt', () => {
    expect(reachabilityWarning([], 0)).toBe('no-channel');
    expect(reachabilityWarning([{ channel: 'none', status: 'given-up', at, reason: 'OC_NOTIFY_NO_CHANNEL' }], 0)).toBe('no-channel');
  });

  it('warns of a last delivery that failed, phone or not', () => {
    expect(reachabilityWarning([{ channel: 'push', status: 'given-up', at, reason: 'OC_NOTIFY_SUBSCRIPTION_GONE' }], 0)).toBe('last-delivery-failed');
    expect(reachabilityWarning([{ channel: 'push', status: 'failed', at }], 1)).toBe('last-delivery-failed');
  });
});
