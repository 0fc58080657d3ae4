import { describe, expect, it } from 'vitest';
import { drainDriverConfigFor, parseDrainDriverConfig } from '../../../../edge-agent/drivers/drain/config.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import type { PlacedDevice } from '../../../../services/site/devices.ts';

function errorOf(fn: () => unknown): { code: string; message: string; keys: unknown } {
  try {
    fn();
  } catch (err) {
    if (!isOcError(err)) throw err;
    return { code: err.code, message: err.message, keys: err.details?.keys };
  }
  throw new Error('expected a config error');
}

const manhole: PlacedDevice = {
  id: 'dl8-drain-m3',
  kind: 'drain',
  communityId: 'dl8',
  compoundId: 'dl8-c1',
  buildingId: undefined,
  placeId: 'm3',
  placeType: 'manhole',
  name: { zh: '3号井', en: 'Manhole 3' },
  depthMm: 1600,
};

describe('drain driver config', () => {
  it('fills the defaults around the endpoint and depth', () => {
    expect(parseDrainDriverConfig({ host: '10.8.0.31', depthMm: 1500 })).toEqual({
      host: '10.8.0.31',
      port: 502,
      unitId: 1,
      depthMm: 1500,
      pollIntervalMs: 60_000,
      fastPollIntervalMs: 15_000,
      fastAboveShare: 0.5,
      connectTimeoutMs: 5_000,
      requestTimeoutMs: 3_000,
      retryInitialMs: 1_000,
      retryMaxMs: 60_000,
      clockToleranceMs: 60_000,
      syncClock: true,
      distanceToleranceMm: 50,
      minEchoQualityPct: 10,
    });
  });

  it('names the bad key', () => {
    expect(errorOf(() => parseDrainDriverConfig({ host: 'h', depthMm: 1500, pollIntervalS: 60 }))).toMatchObject({
      code: 'OC_CONFIG_INVALID',
      message: expect.stringContaining('pollIntervalS: is not a known key'),
      keys: ['pollIntervalS'],
    });
    expect(errorOf(() => parseDrainDriverConfig({ host: 'h', depthMm: 1500, port: 70_000 }))).toMatchObject({ keys: ['port'] });
    expect(errorOf(() => parseDrainDriverConfig({ host: 'h', depthMm: 1500, retryInitialMs: 5_000, retryMaxMs: 1_000 }))).toMatchObject({
      message: expect.stringContaining('retryMaxMs: must not be below retryInitialMs'),
    });
  });

  it('takes the depth from the site model and says which device lacks one', () => {
    expect(drainDriverConfigFor(manhole, { host: 'h', pollIntervalMs: 30_000 })).toMatchObject({ depthMm: 1600, pollIntervalMs: 30_000 });
    expect(errorOf(() => drainDriverConfigFor({ ...manhole, depthMm: undefined }, { host: 'h' }))).toMatchObject({
      message: expect.stringContaining('drain driver for dl8-drain-m3: depthMm'),
      keys: ['depthMm'],
    });
  });
});
