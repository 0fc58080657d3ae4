import { describe, expect, it } from 'vitest';
import { FaultEpisodes } from '../../../../edge-agent/drivers/drain/fault-episodes.ts';

describe('drain driver fault episodes', () => {
  it('reports a fault once per episode, keeps the latest reason, and ends it with the duration', () => {
    const e = new FaultEpisodes();
    expect(e.status()).toEqual({ state: 'connecting', faults: 0 });
    expect(e.fault('OC_DEVICE_UNREACHABLE', 'refused', 1_000)).toEqual({ kind: 'fault', code: 'OC_DEVICE_UNREACHABLE', reason: 'refused' });
    expect(e.fault('OC_DEVICE_TIMEOUT', 'no answer', 2_000)).toEqual({ kind: 'none' });
    // Never ok before: not counted as a relapse.
    expect(e.status()).toEqual({ state: 'fault', faults: 0, faultCode: 'OC_DEVICE_TIMEOUT', faultReason: 'no answer' });

    expect(e.ok(13_340)).toEqual({ kind: 'recovered', faultSeconds: 12.3, code: 'OC_DEVICE_TIMEOUT' });
    expect(e.ok(14_000)).toEqual({ kind: 'none' });
    expect(e.status()).toEqual({ state: 'ok', faults: 0, lastOkAt: 14_000 });

    expect(e.fault('OC_DEVICE_REFUSED', 'busy', 20_000).kind).toBe('fault');
    expect(e.status()).toMatchObject({ state: 'fault', faults: 1, lastOkAt: 14_000 });
    expect(e.ok(20_040)).toEqual({ kind: 'recovered', faultSeconds: 0, code: 'OC_DEVICE_REFUSED' });
  });
});
