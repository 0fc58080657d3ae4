import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { FrameSizeTracker } from '../../../services/gateway/frame-guard.ts';
import { isOcError } from '../../../services/shared/errors.ts';

const publish = (bytes: number): Buffer =>
  mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes, 1), qos: 1, messageId: 1, retain: false, dup: false });

describe('FrameSizeTracker', () => {
  it('lets a stream of packets under the limit through, however it is chunked', () => {
    const stream = Buffer.concat([publish(10), publish(200), publish(0), publish(900), mqttPacket.generate({ cmd: 'pingreq' })]);
    for (const chunkSize of [1, 2, 3, 7, 64, stream.length]) {
      const tracker = new FrameSizeTracker(1024);
      for (let i = 0; i < stream.length; i += chunkSize) tracker.inspect(stream.subarray(i, i + chunkSize));
    }
  });

  it('throws OC_FRAME_TOO_LARGE as soon as the header announces too much, before the body arrives', () => {
    const big = publish(5000);
    const tracker = new FrameSizeTracker(1024);
    tracker.inspect(publish(100));
    let error: unknown;
    try {
      tracker.inspect(big.subarray(0, 4)); // fixed header only
    } catch (err) {
      error = err;
    }
    expect(isOcError(error, 'OC_FRAME_TOO_LARGE')).toBe(true);
  });

  it('rejects a remaining-length field longer than four bytes', () => {
    const tracker = new FrameSizeTracker(Number.MAX_SAFE_INTEGER);
    expect(() => tracker.inspect(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(/frame limit/);
  });
});
