import { deflateSync } from 'node:zlib';

/**
 * The phone page's app icon, drawn at build time (no image files in the repository, no
 * image library): the favicon's mark, a red dot on the night-blue square, as PNG in the
 * sizes a home screen asks for. `maskable` leaves the margin Android's masks cut into.
 */
export function appIconPng(size: number, opts: { maskable?: boolean } = {}): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  const BG = [0x10, 0x26, 0x3f] as const;
  const DOT = [0xff, 0x5d, 0x5d] as const;
  // A full-bleed square for masks; rounded corners otherwise.
  const radius = opts.maskable ? 0 : size * 0.19;
  const dotR = size * (opts.maskable ? 0.2 : 0.26);
  const c = size / 2;
  const SUB = 4; // 4×4 samples per pixel: smooth edges without a rasteriser.
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let inBg = 0;
      let inDot = 0;
      for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
          const px = x + (sx + 0.5) / SUB;
          const py = y + (sy + 0.5) / SUB;
          if (insideRoundedSquare(px, py, size, radius)) inBg++;
          if ((px - c) ** 2 + (py - c) ** 2 <= dotR ** 2) inDot++;
        }
      }
      const n = SUB * SUB;
      const dot = inDot / n;
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) rgba[i + k] = Math.round(BG[k]! * (1 - dot) + DOT[k]! * dot);
      rgba[i + 3] = Math.round((Math.max(inBg, inDot) / n) * 255);
    }
  }
  return encodePng(size, size, rgba);
}

function insideRoundedSquare(x: number, y: number, size: number, r: number): boolean {
  if (r === 0) return true;
  const cx = Math.min(Math.max(x, r), size - r);
  const cy = Math.min(Math.max(y, r), size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** RGBA, 8 bits a channel, no interlace; every row with filter 0 (the icons are tiny either way). */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
