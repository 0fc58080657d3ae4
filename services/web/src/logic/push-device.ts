/**
 * The plain parts of turning notifications on: the VAPID key as the browser wants it, the
 * subscription as the API takes it, and a name a person recognises their phone by.
 */

/** base64url (the API's `publicKey`) to the bytes `pushManager.subscribe` takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Null when the browser gave a subscription without what a sender needs (it then cannot be used). */
export function subscriptionBody(json: { endpoint?: string | undefined; keys?: Record<string, string> | undefined }, label: string, lang: 'zh' | 'en') {
  const p256dh = json.keys?.p256dh;
  const auth = json.keys?.auth;
  if (!json.endpoint || !p256dh || !auth) return null;
  return { endpoint: json.endpoint, keys: { p256dh, auth }, label, lang };
}

/** "Chrome · Android", "Safari · iPhone": enough to tell one's devices apart in the list. */
export function deviceLabel(userAgent: string): string {
  const platform = /iPhone/.test(userAgent) ? 'iPhone' : /iPad/.test(userAgent) ? 'iPad' : /Android/.test(userAgent) ? 'Android' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'Mac' : /Linux/.test(userAgent) ? 'Linux' : '';
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /MicroMessenger/.test(userAgent) ? 'WeChat' : /Firefox\//.test(userAgent) ? 'Firefox' : /(Chrome|Chromium|CriOS)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser';
  return platform ? `${browser} · ${platform}` : browser;
}
