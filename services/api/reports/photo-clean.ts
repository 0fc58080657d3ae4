/**
 * A reporter's photo, checked by its content (not its name or declared type) and stripped of
 * the metadata that can carry where and when it was taken (EXIF GPS, XMP, text chunks) before
 * anything is stored. Pixels are untouched; anything that does not parse is refused.
 */
import type { PhotoType } from './photo-store.ts';

export type CleanPhoto = { ok: true; type: PhotoType; bytes: Buffer } | { ok: false; reason: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffPhotoType(b: Buffer): PhotoType | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export function cleanPhoto(b: Buffer): CleanPhoto {
  const type = sniffPhotoType(b);
  if (!type) return { ok: false, reason: 'not a JPEG, PNG or WebP image' };
  const bytes = type === 'image/jpeg' ? stripJpeg(b) : type === 'image/png' ? stripPng(b) : stripWebp(b);
  return bytes ? { ok: true, type, bytes } : { ok: false, reason: `a damaged ${type.slice(6).toUpperCase()} image` };
}

/** Drops APP1 (EXIF, XMP), APP13 (IPTC) and comments; everything from the scan on is copied as it is. */
function stripJpeg(b: Buffer): Buffer | undefined {
  const parts: Buffer[] = [b.subarray(0, 2)];
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xda) {
      parts.push(b.subarray(i));
      return Buffer.concat(parts);
    }
    const length = b.readUInt16BE(i + 2);
    if (length < 2 || i + 2 + length > b.length) return undefined;
    const drop = marker === 0xe1 || marker === 0xed || marker === 0xfe;
    if (!drop) parts.push(b.subarray(i, i + 2 + length));
    i += 2 + length;
  }
  return undefined;
}

const PNG_DROPPED = new Set(['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME']);

function stripPng(b: Buffer): Buffer | undefined {
  const parts: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  while (i + 12 <= b.length) {
    const length = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = i + 12 + length;
    if (end > b.length) return undefined;
    if (!PNG_DROPPED.has(type)) parts.push(b.subarray(i, end));
    i = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
  return undefined;
}

const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function stripWebp(b: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let i = 12;
  while (i + 8 <= b.length) {
    const fourcc = b.toString('latin1', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    const end = i + 8 + size + (size % 2);
    if (i + 8 + size > b.length) return undefined;
    const chunk = Buffer.from(b.subarray(i, Math.min(end, b.length)));
    if (fourcc === 'VP8X' && size >= 1) chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
    if (fourcc !== 'EXIF' && fourcc !== 'XMP ') parts.push(chunk);
    i = end;
  }
  if (parts.length === 0) return undefined;
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
