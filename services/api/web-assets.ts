import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { MANIFEST_FILE, SERVICE_WORKER_FILE, WEB_DIST } from '../web/paths.ts';

/**
 * The duty-desk and phone pages, served from the `npm run build:web` output:
 * `/` the desk, `/m` the staff phone page, `/admin` the admin page (issue 17), `/assets/*`
 * their content-hashed scripts, styles and icons, and the phone app's `/manifest.webmanifest`
 * and service worker `/sw.js`. Pages are public (they show the sign-in form); the data behind them is not.
 */
export interface WebAssetsOptions {
  /** Default: services/web/dist. */
  distDir?: string;
}

const PAGES: Record<string, string> = { '/': 'index.html', '/m': 'm.html', '/m/': 'm.html', '/admin': 'admin.html', '/admin/': 'admin.html' };

/**
 * Everything the pages load comes from this server: a strict policy makes an injected
 * script or a stray third-party request fail instead of run. Camera snapshots open in a
 * new tab, so they need no image source here.
 */
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
} as const;

export async function webAssets(app: FastifyInstance, opts: WebAssetsOptions = {}): Promise<void> {
  const dist = opts.distDir ?? WEB_DIST;
  const assets = join(dist, 'assets');

  const sendPage = (reply: FastifyReply, file: string) => {
    const path = join(dist, file);
    // Read per request: pages are tiny, and a rebuild shows up without a restart.
    if (!existsSync(path)) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The duty-desk pages are not built. Run `npm run build:web` (npm start and npm test do it first).\n页面尚未构建，请运行 npm run build:web。\n');
    }
    return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type('text/html; charset=utf-8').send(readFileSync(path));
  };

  for (const [url, file] of Object.entries(PAGES)) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) => sendPage(reply, file));
  }

  // Fixed names, so never cached unchecked: a browser looks for a new worker on each visit, and must find it.
  const APP_FILES = { [`/${SERVICE_WORKER_FILE}`]: { file: SERVICE_WORKER_FILE, type: 'text/javascript; charset=utf-8' }, [`/${MANIFEST_FILE}`]: { file: MANIFEST_FILE, type: 'application/manifest+json; charset=utf-8' } };
  for (const [url, { file, type }] of Object.entries(APP_FILES)) {
    app.get(url, { config: { access: 'public' }, schema: { hide: true } }, (_req, reply) => {
      const path = join(dist, file);
      if (!existsSync(path)) return reply.status(404).type('text/plain; charset=utf-8').send('not built: run `npm run build:web`\n');
      // The worker's own fetches and imports fall under the policy its script is served with: the same as the pages'.
      return reply.headers({ ...SECURITY_HEADERS, 'cache-control': 'no-cache' }).type(type).send(readFileSync(path));
    });
  }

  // Hashed names never change content, so browsers may keep them for a year.
  await app.register(fastifyStatic, {
    root: assets,
    prefix: '/assets/',
    index: false,
    immutable: true,
    maxAge: '365d',
    decorateReply: false,
    // Source maps would publish the pages' source: built for developers, not served.
    allowedPath: (pathName) => !pathName.endsWith('.map'),
    setHeaders: (res) => res.setHeader('x-content-type-options', 'nosniff'),
  });
}
