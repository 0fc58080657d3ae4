import { describe, expect, it } from 'vitest';
import { classifyOnvifError, isSubscriptionGone, MalformedAnswerError, OnvifCallError } from '../../../../../edge-agent/drivers/camera/onvif-faults.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

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
