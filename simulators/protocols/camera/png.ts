import { deflateSync } from 'node:zlib';

/**
 * A minimal PNG encoder (8-bit RGB, no interlace), so the simulated camera can serve
 * a real, decodable snapshot without an image library. The CRC is written here
 * because zlib.crc32 only exists from Node 20.15 on.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG chunks use it). */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** `rgb` holds width*height*3 bytes, row by row. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  // compression, filter and interlace methods stay 0
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    Buffer.from(rgb.buffer, rgb.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

export interface SceneLook {
  /** The lens is covered: a near-black frame. */
  covered: boolean;
  /** The image is blurred: low-contrast grey. */
  blurred: boolean;
  /** No video: a blue "no signal" frame, as encoders show. */
  noSignal: boolean;
}

/**
 * A test-pattern frame that reflects what the camera sees, so a person looking at
 * a snapshot can tell a covered or blurred camera from a working one.
 */
export function sceneFrame(width: number, height: number, look: SceneLook, frameNo: number): Buffer {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      let r: number, g: number, b: number;
      if (look.noSignal) [r, g, b] = [20, 40, 160];
      else if (look.covered) [r, g, b] = [8, 8, 8];
      else if (look.blurred) [r, g, b] = [120 + ((x + y) % 8), 120, 120];
      else {
        // Colour bars, with a bar that moves per frame so successive snapshots differ.
        const bar = Math.floor((x * 8) / width);
        r = bar & 1 ? 230 : 30;
        g = bar & 2 ? 230 : 30;
        b = bar & 4 ? 230 : 30;
        if (Math.abs(x - ((frameNo * 7) % width)) < 2) [r, g, b] = [255, 255, 255];
      }
      rgb[i] = r;
      rgb[i + 1] = g;
      rgb[i + 2] = b;
    }
  }
  return encodePng(width, height, rgb);
}
