import { createECDH, createPublicKey, createDecipheriv, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import type { ReceivedRequest } from './loopback-receiver.ts';

const b64url = (b: Buffer) => b.toString('base64url');

/** A browser's side of a push subscription: its P-256 key pair and auth secret. */
export class TestSubscriber {
  readonly ecdh: ECDH = createECDH('prime256v1');
  readonly auth = randomBytes(16);
  constructor() {
    this.ecdh.generateKeys();
  }

  get keys(): { p256dh: string; auth: string } {
    return { p256dh: b64url(this.ecdh.getPublicKey()), auth: b64url(this.auth) };
  }

  /** RFC 8291 / RFC 8188 aes128gcm: what the browser does with a push body. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const idlen = body[20]!;
    const asPublic = body.subarray(21, 21 + idlen);
    const ciphertext = body.subarray(21 + idlen);
    const secret = this.ecdh.computeSecret(asPublic);
    const info = Buffer.concat([Buffer.from('WebPush: info\0'), this.ecdh.getPublicKey(), asPublic]);
    const ikm = Buffer.from(hkdfSync('sha256', secret, this.auth, info, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
    const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    if (padded[end] !== 2) throw new Error('aes128gcm: last record lacks its 0x02 delimiter');
    return padded.subarray(0, end).toString('utf8');
  }
}

/** What a push service checks of the sender: `Authorization: vapid t=<ES256 JWT>, k=<public key>`, audience and expiry. */
export function verifyVapid(req: ReceivedRequest, origin: string, nowSeconds: number): { ok: true; publicKey: string; sub: string } | { ok: false; reason: string } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(String(req.headers.authorization ?? ''));
  if (!m) return { ok: false, reason: 'no vapid authorization' };
  const [, jwt, k] = m as unknown as [string, string, string];
  const [h, p, s] = jwt.split('.');
  const raw = Buffer.from(k, 'base64url');
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33, 65)) }, format: 'jwk' });
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s!, 'base64url'))) return { ok: false, reason: 'bad signature' };
  const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { alg: string };
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (header.alg !== 'ES256') return { ok: false, reason: 'not ES256' };
  if (claims.aud !== origin) return { ok: false, reason: `aud ${claims.aud}` };
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 3600)) return { ok: false, reason: 'exp out of range' };
  if (req.headers['content-encoding'] !== 'aes128gcm') return { ok: false, reason: 'not aes128gcm' };
  return { ok: true, publicKey: k, sub: claims.sub };
}
