import { describe, expect, it } from 'vitest';
import { crc32, encodePng, sceneFrame } from '../../../../../simulators/protocols/camera/png.ts';
import { decodePng } from '../../../../support/png-decoder.ts';

describe('PNG snapshots', () => {
  it('CRC-32 matches the standard check value', () => {
    expect(crc32(Buffer.from('123456789', 'ascii'))).toBe(0xcbf43926);
  });

  it('encodes pixels that an independent decoder reads back exactly', () => {
    const width = 7;
    const height = 5;
    const rgb = new Uint8Array(width * height * 3).map((_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng(width, height, rgb));
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    expect([...decoded.rgb]).toEqual([...rgb]);
  });

  it('refuses a pixel buffer of the wrong size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(11))).toThrow(RangeError);
  });

  it('draws what the camera sees: bars when fine, dark when covered, blue without signal', () => {
    const look = { covered: false, blurred: false, noSignal: false };
    const centre = (png: Buffer) => {
      const d = decodePng(png);
      const i = (Math.floor(d.height / 2) * d.width + Math.floor(d.width / 2)) * 3;
      return [...d.rgb.subarray(i, i + 3)];
    };
    const bars = decodePng(sceneFrame(32, 16, look, 0));
    expect(new Set(bars.rgb).size).toBeGreaterThan(2);
    expect(centre(sceneFrame(32, 16, { ...look, covered: true }, 0))).toEqual([8, 8, 8]);
    expect(centre(sceneFrame(32, 16, { ...look, noSignal: true }, 0))).toEqual([20, 40, 160]);
    expect(sceneFrame(32, 16, look, 1).equals(sceneFrame(32, 16, look, 2))).toBe(false);
  });
});
