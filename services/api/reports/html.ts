import { createHash } from 'node:crypto';

/** Reporter text is data, never markup: every value goes through this before it is written into a page. */
export const esc = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `body{font:16px/1.45 system-ui,sans-serif;margin:0;padding:12px;max-width:560px;margin:auto;color:#1d2430}
h1{font-size:1.3em;margin:.2em 0 .6em}label{display:block;margin:.8em 0 .25em;font-weight:600}
select,textarea,input[type=tel],input[type=text]{width:100%;box-sizing:border-box;font-size:16px;padding:.5em}
textarea{min-height:5em}button{font-size:1.05em;padding:.6em 1.4em;margin-top:1em;background:#1f6feb;color:#fff;border:0;border-radius:6px}
.lang{float:right}.err{background:#fde8e8;color:#8b1a1a;padding:.6em;border-radius:6px}.note{color:#555;font-size:.9em}
.ok{background:#e6f4ea;padding:.6em;border-radius:6px}.state{font-size:1.2em;font-weight:600}.link{word-break:break-all}
img.photo{max-width:30%;margin:4px}.stars label{display:inline;font-weight:normal;margin-right:.8em}
.sheet{display:grid;grid-template-columns:repeat(3,1fr);gap:12px}.code{border:1px solid #999;padding:8px;text-align:center;break-inside:avoid}
.code svg{width:100%;height:auto}`;

/** Styles come from the page itself but under a hash, so the CSP can forbid every inline script and style but this one. */
const CSS_HASH = createHash('sha256').update(CSS).digest('base64');

/** No script at all, nothing from elsewhere, forms only back to us, never framed. */
export const PUBLIC_CSP = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`;

export function page(lang: string, title: string, body: string): string {
  return `<!doctype html><html lang="${lang === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><link rel="icon" href="data:,"><title>${esc(title)}</title><style>${CSS}</style></head>
<body>${body}</body></html>`;
}

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': PUBLIC_CSP,
  'x-content-type-options': 'nosniff',
  // same-origin, not no-referrer: with no referrer Chromium sends "Origin: null" on our own form posts, which the origin check must refuse; other sites still get nothing (a tracking link's token never leaves).
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};
