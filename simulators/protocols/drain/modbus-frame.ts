/**
 * Modbus TCP framing for the simulated sensor: the MBAP header and the four
 * function codes the sensor serves (03, 04, 06, 16). Pure functions over
 * buffers; the server owns the sockets.
 *
 * MBAP: transaction id (2) | protocol id (2, always 0) | length (2, bytes that
 * follow: unit id + PDU) | unit id (1), then the PDU: function code (1) + data.
 */

export const MBAP_HEADER_BYTES = 7;
/** A PDU is at most 253 bytes (Modbus Application Protocol v1.1b3, 4.1). */
const MAX_PDU_BYTES = 253;

export interface MbapFrame {
  transactionId: number;
  unitId: number;
  pdu: Buffer;
}

export type FrameTake =
  | { kind: 'frame'; frame: MbapFrame; rest: Buffer }
  | { kind: 'incomplete' }
  /** The bytes cannot be a Modbus TCP frame; the stream is lost and the connection should close. */
  | { kind: 'invalid'; reason: string };

/** Takes the first complete frame off a connection's receive buffer. */
export function takeFrame(buffer: Buffer): FrameTake {
  if (buffer.length < MBAP_HEADER_BYTES) return { kind: 'incomplete' };
  const protocolId = buffer.readUInt16BE(2);
  const length = buffer.readUInt16BE(4);
  if (protocolId !== 0) return { kind: 'invalid', reason: `protocol id ${protocolId}, expected 0` };
  if (length < 2 || length > MAX_PDU_BYTES + 1) return { kind: 'invalid', reason: `MBAP length ${length} out of 2..${MAX_PDU_BYTES + 1}` };
  const total = 6 + length;
  if (buffer.length < total) return { kind: 'incomplete' };
  return {
    kind: 'frame',
    frame: { transactionId: buffer.readUInt16BE(0), unitId: buffer.readUInt8(6), pdu: Buffer.from(buffer.subarray(MBAP_HEADER_BYTES, total)) },
    rest: buffer.subarray(total),
  };
}

export function encodeFrame(transactionId: number, unitId: number, pdu: Buffer): Buffer {
  const header = Buffer.alloc(MBAP_HEADER_BYTES);
  header.writeUInt16BE(transactionId & 0xffff, 0);
  header.writeUInt16BE(0, 2);
  header.writeUInt16BE(pdu.length + 1, 4);
  header.writeUInt8(unitId & 0xff, 6);
  return Buffer.concat([header, pdu]);
}

export type ModbusRequest =
  | { fc: 0x03 | 0x04; address: number; quantity: number }
  | { fc: 0x06; address: number; value: number }
  | { fc: 0x10; address: number; values: number[] };

/** A request the PDU spells correctly, or the exception code to answer a bad one with. */
export type DecodedRequest = { ok: true; request: ModbusRequest } | { ok: false; fc: number; exceptionCode: number };

/** Decodes a request PDU; limits are the spec's (125 registers per read, 123 per write). */
export function decodeRequest(pdu: Buffer): DecodedRequest {
  const fc = pdu.length > 0 ? pdu.readUInt8(0) : 0;
  const bad = (exceptionCode: number): DecodedRequest => ({ ok: false, fc, exceptionCode });
  switch (fc) {
    case 0x03:
    case 0x04: {
      if (pdu.length !== 5) return bad(0x03);
      const quantity = pdu.readUInt16BE(3);
      if (quantity < 1 || quantity > 125) return bad(0x03);
      return { ok: true, request: { fc, address: pdu.readUInt16BE(1), quantity } };
    }
    case 0x06:
      if (pdu.length !== 5) return bad(0x03);
      return { ok: true, request: { fc, address: pdu.readUInt16BE(1), value: pdu.readUInt16BE(3) } };
    case 0x10: {
      if (pdu.length < 6) return bad(0x03);
      const quantity = pdu.readUInt16BE(3);
      const byteCount = pdu.readUInt8(5);
      if (quantity < 1 || quantity > 123 || byteCount !== quantity * 2 || pdu.length !== 6 + byteCount) return bad(0x03);
      const values = Array.from({ length: quantity }, (_, i) => pdu.readUInt16BE(6 + 2 * i));
      return { ok: true, request: { fc, address: pdu.readUInt16BE(1), values } };
    }
    default:
      return bad(0x01);
  }
}

/** FC 03/04 answer: byte count, then the registers big-endian. */
export function encodeReadResponse(fc: 0x03 | 0x04, registers: readonly number[]): Buffer {
  const pdu = Buffer.alloc(2 + registers.length * 2);
  pdu.writeUInt8(fc, 0);
  pdu.writeUInt8(registers.length * 2, 1);
  registers.forEach((r, i) => pdu.writeUInt16BE(r & 0xffff, 2 + i * 2));
  return pdu;
}

/** FC 06 answers with the request echoed; FC 16 with address and quantity. */
export function encodeWriteResponse(request: Extract<ModbusRequest, { fc: 0x06 | 0x10 }>): Buffer {
  const pdu = Buffer.alloc(5);
  pdu.writeUInt8(request.fc, 0);
  pdu.writeUInt16BE(request.address, 1);
  pdu.writeUInt16BE(request.fc === 0x06 ? request.value : request.values.length, 3);
  return pdu;
}

export function encodeException(fc: number, exceptionCode: number): Buffer {
  return Buffer.from([(fc | 0x80) & 0xff, exceptionCode & 0xff]);
}
