import { describe, expect, it } from 'vitest';
import { FaultEpisodes } from '../../../../../edge-agent/drivers/shared/fault-episodes.ts';

describe('fault episodes (shared by every driver)', () => {
  it('sends device.fault once per episode, keeps the latest reason, and device.recovered with its length in tenths', () => {
    const e = new FaultEpisodes();
    expect(e.status()).toEqual({ state: 'connecting', faults: 0 });
    expect(e.fail('link', 'OC_DEVICE_AUTH_FAILED', 'refused', 1_000)).toEqual({ type: 'device.fault', data: { code: 'OC_DEVICE_AUTH_FAILED', reason: 'refused' } });
    expect(e.fail('link', 'OC_DEVICE_UNREACHABLE', 'gone', 2_000)).toBeUndefined();
    // Never ok before: a device that never answered is a fault, not a relapse.
    expect(e.status()).toEqual({ state: 'fault', faults: 0, faultCode: 'OC_DEVICE_UNREACHABLE', faultReason: 'gone' });
    expect(e.clear('link', 13_340)).toEqual({ type: 'device.recovered', data: { faultSeconds: 12.3 }, code: 'OC_DEVICE_UNREACHABLE' });
    expect(e.clear('link', 14_000)).toBeUndefined();
    expect(e.status()).toEqual({ state: 'ok', faults: 0, lastOkAt: 14_000 });

    expect(e.fail('link', 'OC_DEVICE_REFUSED', 'busy', 20_000)?.type).toBe('device.fault');
    // Counted from ok to fault only; the last good answer stays known.
    expect(e.status()).toMatchObject({ state: 'fault', faults: 1, lastOkAt: 14_000 });
    expect(e.clearAll(20_040)).toEqual({ type: 'device.recovered', data: { faultSeconds: 0 }, code: 'OC_DEVICE_REFUSED' });
  });

  it('a good clock reading neither makes a connecting device ok nor ends a link fault', () => {
    const e = new FaultEpisodes();
    expect(e.clear('clock', 1)).toBeUndefined();
    expect(e.status().state).toBe('connecting');
    e.fail('link', 'OC_DEVICE_UNREACHABLE', 'x', 2);
    expect(e.clear('clock', 3)).toBeUndefined();
    expect(e.status().state).toBe('fault');
  });

  it('ends the episode only when both link and clock are fine, and names what is still wrong meanwhile', () => {
    const e = new FaultEpisodes();
    e.clear('link', 0);
    expect(e.fail('clock', 'OC_DEVICE_CLOCK_SKEW', 'ahead', 1_000)?.type).toBe('device.fault');
    expect(e.has('clock')).toBe(true);
    expect(e.fail('link', 'OC_DEVICE_UNREACHABLE', 'gone', 2_000)).toBeUndefined();
    expect(e.clear('link', 3_000)).toBeUndefined();
    expect(e.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_CLOCK_SKEW' });
    expect(e.clear('clock', 6_000)).toEqual({ type: 'device.recovered', data: { faultSeconds: 5 }, code: 'OC_DEVICE_CLOCK_SKEW' });
    expect(e.has('clock')).toBe(false);
  });

  it('clearAll ends every condition at once and makes a connecting device ok', () => {
    const e = new FaultEpisodes();
    expect(e.clearAll(500)).toBeUndefined();
    expect(e.status()).toEqual({ state: 'ok', faults: 0, lastOkAt: 500 });
    e.fail('clock', 'OC_DEVICE_CLOCK_SKEW', 'ahead', 1_000);
    e.fail('link', 'OC_DEVICE_MALFORMED_RESPONSE', 'garbage', 1_500);
    expect(e.clearAll(3_500)).toEqual({ type: 'device.recovered', data: { faultSeconds: 2.5 }, code: 'OC_DEVICE_MALFORMED_RESPONSE' });
    expect([e.has('clock'), e.has('link')]).toEqual([false, false]);
    expect(e.status()).toEqual({ state: 'ok', faults: 1, lastOkAt: 3_500 });
  });
});
