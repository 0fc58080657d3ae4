import { describe, expect, it } from 'vitest';
import { parseCameraDriverConfig } from '../../../../../edge-agent/drivers/camera/camera-driver-config.ts';
import { isOcError } from '../../../../../services/shared/errors.ts';

const GOOD = { url: 'http://192.168.1.64/onvif/device_service', username: 'admin', password: 'secret' };

function keysOf(raw: unknown): unknown {
  try {
    parseCameraDriverConfig(raw);
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) return err.details?.keys;
    throw err;
  }
  return 'no error';
}

describe('camera driver config', () => {
  it('fills in defaults', () => {
    expect(parseCameraDriverConfig(GOOD)).toMatchObject({ ...GOOD, motionZone: 'scene', requestTimeoutMs: 10_000, reconnectInitialMs: 1_000, clockToleranceMs: 10_000 });
  });

  it('names each bad key', () => {
    expect(keysOf({ ...GOOD, url: 'rtsp://cam/stream' })).toEqual(['url']);
    expect(keysOf({ ...GOOD, pasword: 'x' })).toEqual(['pasword']);
    expect(keysOf({ ...GOOD, password: '密码' })).toEqual(['password']);
    expect(keysOf({ ...GOOD, requestTimeoutMs: 'fast', username: '' })).toEqual(expect.arrayContaining(['requestTimeoutMs', 'username']));
    expect(keysOf({ ...GOOD, reconnectInitialMs: 5_000, reconnectMaxMs: 1_000 })).toEqual(['reconnectMaxMs']);
  });

  it('says where the settings came from and what is wrong', () => {
    expect(() => parseCameraDriverConfig({ ...GOOD, url: 'nope' })).toThrow(/camera driver config: url: must be an http/);
  });
});
