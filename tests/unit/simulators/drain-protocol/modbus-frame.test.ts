import { describe, expect, it } from 'vitest';
import {
  decodeRequest,
  encodeException,
  encodeFrame,
  encodeReadResponse,
  encodeWriteResponse,
  takeFrame,
} from '../../../../simulators/protocols/drain/modbus-frame.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('Modbus TCP framing', () => {
  it('frames and unframes the specification example (read input register 9)', () => {
    // Modbus Application Protocol 1.1b3, 6.4: request 04 0008 0001, response 04 02 000A.
    const request = hex('0001 0000 0006 11 04 0008 0001');
    const taken = takeFrame(request);
    expect(taken).toEqual({ kind: 'frame', frame: { transactionId: 1, unitId: 0x11, pdu: hex('04 0008 0001') }, rest: Buffer.alloc(0) });
    expect(decodeRequest(hex('04 0008 0001'))).toEqual({ ok: true, request: { fc: 4, address: 8, quantity: 1 } });
    expect(encodeFrame(1, 0x11, encodeReadResponse(4, [10]))).toEqual(hex('0001 0000 0005 11 04 02 000A'));
  });

  it('waits for whole frames, takes them one at a time, and rejects what cannot be Modbus TCP', () => {
    const one = hex('0102 0000 0006 01 03 0000 0007');
    const two = hex('0103 0000 0006 01 04 0000 000D');
    expect(takeFrame(one.subarray(0, 5))).toEqual({ kind: 'incomplete' });
    expect(takeFrame(one.subarray(0, 10))).toEqual({ kind: 'incomplete' });

    const first = takeFrame(Buffer.concat([one, two]));
    if (first.kind !== 'frame') throw new Error('expected a frame');
    expect(first.frame.transactionId).toBe(0x0102);
    const second = takeFrame(first.rest);
    if (second.kind !== 'frame') throw new Error('expected a frame');
    expect(second.frame).toEqual({ transactionId: 0x0103, unitId: 1, pdu: hex('04 0000 000D') });
    expect(second.rest.length).toBe(0);

    expect(takeFrame(Buffer.from('HTTP/1.1 GET /\r\n'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('protocol id') });
    expect(takeFrame(hex('0001 0000 0001 01'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('length 1') });
    expect(takeFrame(hex('0001 0000 00FF 01'))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('length 255') });
  });

  it('decodes the four function codes and names what is wrong with bad requests', () => {
    expect(decodeRequest(hex('03 0001 0002'))).toEqual({ ok: true, request: { fc: 3, address: 1, quantity: 2 } });
    expect(decodeRequest(hex('06 0002 01F4'))).toEqual({ ok: true, request: { fc: 6, address: 2, value: 500 } });
    expect(decodeRequest(hex('10 0003 0003 06 0001 0002 0003'))).toEqual({ ok: true, request: { fc: 16, address: 3, values: [1, 2, 3] } });

    // Quantity out of the spec's range, or a byte count that does not match: illegal data value.
    expect(decodeRequest(hex('04 0000 0000'))).toEqual({ ok: false, fc: 4, exceptionCode: 3 });
    expect(decodeRequest(hex('03 0000 007E'))).toEqual({ ok: false, fc: 3, exceptionCode: 3 });
    expect(decodeRequest(hex('10 0003 0002 06 0001 0002 0003'))).toEqual({ ok: false, fc: 16, exceptionCode: 3 });
    expect(decodeRequest(hex('06 0002'))).toEqual({ ok: false, fc: 6, exceptionCode: 3 });
    // Functions this device does not have: illegal function.
    expect(decodeRequest(hex('2B 0E 01 00'))).toEqual({ ok: false, fc: 0x2b, exceptionCode: 1 });
    expect(decodeRequest(Buffer.alloc(0))).toEqual({ ok: false, fc: 0, exceptionCode: 1 });
  });

  it('encodes write echoes and exceptions', () => {
    expect(encodeWriteResponse({ fc: 6, address: 2, value: 500 })).toEqual(hex('06 0002 01F4'));
    expect(encodeWriteResponse({ fc: 16, address: 3, values: [1, 2, 3] })).toEqual(hex('10 0003 0003'));
    expect(encodeException(4, 2)).toEqual(hex('84 02'));
    expect(encodeReadResponse(3, [0xffff, 0x8000])).toEqual(hex('03 04 FFFF 8000'));
  });
});
