import { describe, expect, it } from 'vitest';
import { parseSoapRequest, parseTerminationTime, parseXsdDuration } from '../../../../../simulators/protocols/camera/soap-request.ts';

const envelope = (header: string, body: string) =>
  `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;

const SECURITY =
  '<Security s:mustUnderstand="1" xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"><UsernameToken>' +
  '<Username>admin</Username><Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">ZGlnZXN0</Password>' +
  '<Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">bm9uY2U=</Nonce>' +
  '<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">2026-07-15T12:00:00.000Z</Created>' +
  '</UsernameToken></Security>';

describe('SOAP request parsing', () => {
  it('finds the operation, its arguments and the UsernameToken, whatever the prefixes', () => {
    const parsed = parseSoapRequest(envelope(SECURITY, '<trt:GetSnapshotUri xmlns:trt="http://www.onvif.org/ver10/media/wsdl"><trt:ProfileToken>p1</trt:ProfileToken></trt:GetSnapshotUri>'));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.request.operation).toBe('GetSnapshotUri');
    expect(parsed.request.args.ProfileToken).toBe('p1');
    expect(parsed.request.token).toEqual({
      username: 'admin',
      password: 'ZGlnZXN0',
      passwordType: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest',
      nonce: 'bm9uY2U=',
      created: '2026-07-15T12:00:00.000Z',
    });
  });

  it('has no token when the header has none', () => {
    const parsed = parseSoapRequest(envelope('', '<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/>'));
    expect(parsed.ok && parsed.request.token).toBeUndefined();
    expect(parsed.ok && parsed.request.operation).toBe('GetSystemDateAndTime');
  });

  it('refuses what is not well-formed or not a SOAP envelope', () => {
    expect(parseSoapRequest('<s:Envelope><s:Body><Get>').ok).toBe(false);
    expect(parseSoapRequest('hello').ok).toBe(false);
    expect(parseSoapRequest('<a><b/></a>')).toEqual({ ok: false, reason: 'no SOAP Envelope' });
    expect(parseSoapRequest(envelope('', ''))).toMatchObject({ ok: false });
  });

  it('reads xsd durations and termination times', () => {
    expect(parseXsdDuration('PT1M')).toBe(60_000);
    expect(parseXsdDuration('PT0.5S')).toBe(500);
    expect(parseXsdDuration('P1DT2H3M4S')).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
    for (const bad of ['P', 'PT', '60', 'P1Y', 'PT-1S']) expect(parseXsdDuration(bad), bad).toBeUndefined();
    expect(parseTerminationTime('PT2M', 1_000)).toBe(121_000);
    expect(parseTerminationTime('2026-07-15T12:00:00Z', 0)).toBe(Date.parse('2026-07-15T12:00:00Z'));
    expect(parseTerminationTime('soon', 0)).toBeUndefined();
  });
});
