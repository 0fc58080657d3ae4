import { describe, expect, it } from 'vitest';
import { cleanPhoto, sniffPhotoType } from '../../../services/api/reports/photo-clean.ts';
import { jpegWithGps, pngWithText } from '../../support/multipart-body.ts';

/** A WebP container with a VP8X header announcing EXIF, an EXIF chunk and a (fake) image chunk. */
function webpWithExif(): Buffer {
  const chunk = (fourcc: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(fourcc, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08;
  const body = Buffer.concat([chunk('VP8X', vp8x), chunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0])), chunk('EXIF', Buffer.from('GPSLatitude=36.65', 'latin1'))]);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(body.length + 4, 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, body]);
}

describe('reporter photos', () => {
  it('tells JPEG, PNG and WebP by their bytes, whatever the file is called', () => {
    expect(sniffPhotoType(jpegWithGps())).toBe('image/jpeg');
    expect(sniffPhotoType(pngWithText('x'))).toBe('image/png');
    expect(sniffPhotoType(webpWithExif())).toBe('image/webp');
    expect(sniffPhotoType(Buffer.from('GIF89a....'))).toBeUndefined();
    expect(sniffPhotoType(Buffer.from('<svg onload=alert(1)>'))).toBeUndefined();
  });

  it('drops the EXIF of a JPEG, the text chunks of a PNG and the EXIF of a WebP (and its VP8X flag)', () => {
    for (const input of [jpegWithGps(), pngWithText('GPSLatitude=36.65'), webpWithExif()]) {
      const out = cleanPhoto(input);
      expect(out.ok).toBe(true);
      if (!out.ok) continue;
      expect(out.bytes.toString('latin1')).not.toContain('GPSLatitude');
      expect(out.bytes.length).toBeLessThan(input.length);
      expect(sniffPhotoType(out.bytes)).toBe(out.type);
    }
    const webp = cleanPhoto(webpWithExif());
    if (webp.ok) {
      expect(webp.bytes.readUInt32LE(4)).toBe(webp.bytes.length - 8);
      expect(webp.bytes[20]! & 0x08).toBe(0);
    }
  });

  it('refuses a truncated image rather than storing half of it', () => {
    expect(cleanPhoto(jpegWithGps().subarray(0, 12))).toMatchObject({ ok: false });
    expect(cleanPhoto(pngWithText('x').subarray(0, 40))).toMatchObject({ ok: false });
    expect(cleanPhoto(Buffer.from('not an image'))).toEqual({ ok: false, reason: 'not a JPEG, PNG or WebP image' });
  });
});
