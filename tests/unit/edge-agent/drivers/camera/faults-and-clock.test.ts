import { describe, expect, it } from 'vitest';
import { ClockSkewMonitor } from '../../../../../edge-agent/drivers/camera/clock-skew.ts';
import { FaultEpisodes } from '../../../../../edge-agent/drivers/camera/fault-episodes.ts';
import { classifyOnvifError, isSubscriptionGone, MalformedAnswerError, OnvifCallError } from '../../../../../edge-agent/drivers/camera/onvif-faults.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('fault episodes', () => {
  it('sends device.fault once per episode and device.recovered with its length', () => {
    const e = new FaultEpisodes();
    expect(e.status()).toEqual({ state: 'connecting', faults: 0 });
    expect(e.fail('link', 'OC_DEVICE_AUTH_FAILED', 'refused', 1_000)).toEqual({ type: 'device.fault', data: { code: 'OC_DEVICE_AUTH_FAILED', reason: 'refused' } });
    expect(e.fail('link', 'OC_DEVICE_UNREACHABLE', 'gone', 2_000)).toBeUndefined();
    expect(e.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_UNREACHABLE', faultReason: 'gone', faults: 0 });
    expect(e.clear('link', 4_500)).toEqual({ type: 'device.recovered', data: { faultSeconds: 3.5 } });
    expect(e.status()).toEqual({ state: 'ok', faults: 0, lastOkAt: 4_500 });
    e.fail('link', 'OC_DEVICE_TIMEOUT', 'slow', 5_000);
    expect(e.status().faults).toBe(1); // counted from ok to fault only
  });

  it('a good clock reading neither makes a connecting device ok nor ends a link fault', () => {
    const e = new FaultEpisodes();
    expect(e.clear('clock', 1)).toBeUndefined();
    expect(e.status().state).toBe('connecting');
    e.fail('link', 'OC_DEVICE_UNREACHABLE', 'x', 2);
    expect(e.clear('clock', 3)).toBeUndefined();
    expect(e.status().state).toBe('fault');
  });

  it('ends the episode only when both link and clock are fine', () => {
    const e = new FaultEpisodes();
    e.clear('link', 0);
    expect(e.fail('clock', 'OC_DEVICE_CLOCK_SKEW', 'ahead', 1_000)?.type).toBe('device.fault');
    expect(e.fail('link', 'OC_DEVICE_UNREACHABLE', 'gone', 2_000)).toBeUndefined();
    expect(e.clear('link', 3_000)).toBeUndefined();
    expect(e.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_CLOCK_SKEW' });
    expect(e.clear('clock', 6_000)).toEqual({ type: 'device.recovered', data: { faultSeconds: 5 } });
  });
});

describe('clock skew', () => {
  it('keeps device time within tolerance and corrects it beyond', () => {
    const c = new ClockSkewMonitor(10_000);
    expect(c.skewed).toBe(false);
    c.observe(1_009_000, 1_000_000);
    expect([c.skewed, c.offsetMs]).toEqual([false, 9_000]);
    expect(c.envelopeTime(2_000_000)).toEqual({ timeMs: 2_000_000, corrected: false });
    c.observe(1_000_000 - 600_000, 1_000_000);
    expect(c.skewed).toBe(true);
    expect(c.envelopeTime(2_000_000)).toEqual({ timeMs: 2_600_000, corrected: true });
  });
});

describe('classifying onvif errors', () => {
  const cases: Array<[unknown, string]> = [
    [new OnvifCallError('GetServices', withCode('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED')), 'OC_DEVICE_UNREACHABLE'],
    [new OnvifCallError('PullMessages', withCode('socket hang up', 'ECONNRESET')), 'OC_DEVICE_UNREACHABLE'],
    [new OnvifCallError('Renew', new Error('Network timeout')), 'OC_DEVICE_TIMEOUT'],
    [new OnvifCallError('GetProfiles', new Error('ONVIF SOAP Fault: Sender not Authorized'), '<env:Subcode><env:Value>ter:NotAuthorized</env:Value>'), 'OC_DEVICE_AUTH_FAILED'],
    [new OnvifCallError('GetProfiles', new Error('ONVIF SOAP Fault: Access denied'), '<Value>ter:NotAuthorized</Value>'), 'OC_DEVICE_AUTH_FAILED'],
    [new OnvifCallError('GetProfiles', new Error('Digest authentication failed 401')), 'OC_DEVICE_AUTH_FAILED'],
    [new OnvifCallError('GetHostname', new Error('ONVIF SOAP Fault: Optional Action Not Implemented'), '<Value>ter:ActionNotSupported</Value>'), 'OC_DEVICE_REFUSED'],
    [new OnvifCallError('PullMessages', new Error('Wrong ONVIF SOAP response')), 'OC_DEVICE_MALFORMED_RESPONSE'],
    [new OnvifCallError('GetProfiles', new TypeError("Cannot read properties of undefined (reading 'map')")), 'OC_DEVICE_MALFORMED_RESPONSE'],
    [new MalformedAnswerError('GetSnapshotUri', 'no uri'), 'OC_DEVICE_MALFORMED_RESPONSE'],
  ];
  it.each(cases)('%s → %s', (err, code) => {
    const fault = classifyOnvifError(err);
    expect(fault.code).toBe(code);
    expect(fault.reason.length).toBeGreaterThan(0);
  });

  it('names the operation in the reason and recognises a vanished pull point', () => {
    expect(classifyOnvifError(new OnvifCallError('Renew', new Error('Network timeout'))).reason).toBe('Renew: Network timeout');
    expect(isSubscriptionGone(new OnvifCallError('PullMessages', new Error('ONVIF SOAP Fault'), '<Value>ter:ResourceUnknown</Value>'))).toBe(true);
    expect(isSubscriptionGone(new OnvifCallError('PullMessages', new Error('Network timeout')))).toBe(false);
  });
});
