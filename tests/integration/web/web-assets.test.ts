import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webAssets } from '../../../services/api/web-assets.ts';
import { buildWeb, type WebBuildResult } from '../../../services/web/build.ts';

/** The built pages over a real socket: what a browser gets for `/`, `/m` and their assets. */
describe('the web pages as the API serves them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oc-web-'));
  let built: WebBuildResult;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    built = await buildWeb(join(dir, 'dist'));
    app = Fastify();
    await webAssets(app, { distDir: built.outDir });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the desk at / and the phone page at /m, never cached, under a strict content policy', async () => {
    for (const [path, page] of [
      ['/', 'desk'],
      ['/m', 'phone'],
      ['/m/', 'phone'],
    ] as const) {
      const res = await fetch(base + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await res.text();
      const script = built.pages.find((p) => p.name === page)!.script;
      expect(html).toContain(`src="${script}"`);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('serves each hashed script and stylesheet for a year, and nothing that was not built', async () => {
    for (const p of built.pages) {
      for (const url of [p.script, p.style]) {
        expect(url).toBeDefined();
        const res = await fetch(base + url!);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('cache-control')).toContain('immutable');
        expect(res.headers.get('content-type')).toMatch(url!.endsWith('.css') ? /^text\/css/ : /javascript/);
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    }
    expect((await fetch(`${base}/assets/not-built.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/../../build.ts`)).status).toBe(404);
  });

  it('serves the phone app: its manifest, PNG icons and service worker, the worker knowing the shell it keeps', async () => {
    const html = await (await fetch(`${base}/m`)).text();
    expect(html).toContain(`<link rel="manifest" href="${built.phoneApp.manifest}">`);
    const res = await fetch(base + built.phoneApp.manifest);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const manifest = (await res.json()) as { name: string; start_url: string; scope: string; display: string; theme_color: string; name_localized: Record<string, string>; icons: { src: string; sizes: string; purpose: string }[] };
    expect(manifest).toMatchObject({ start_url: '/m', scope: '/m', display: 'standalone', theme_color: '#f4f6f8' });
    expect(manifest.name).toContain('我的派单');
    expect(manifest.name_localized.en).toContain('My dispatches');
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
    for (const icon of manifest.icons) {
      const png = Buffer.from(await (await fetch(base + icon.src)).arrayBuffer());
      const side = Number(icon.sizes.split('x')[0]);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([side, side]);
    }

    const sw = await fetch(base + built.phoneApp.serviceWorker);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    expect(sw.headers.get('content-security-policy')).toContain("default-src 'self'");
    const body = await sw.text();
    for (const url of built.phoneApp.shell) {
      expect(body).toContain(JSON.stringify(url));
      expect((await fetch(base + url)).status, url).toBe(200);
    }
    expect(built.phoneApp.shell).toContain(built.pages.find((p) => p.name === 'phone')!.script);
    expect(built.phoneApp.shell).not.toContain(built.pages.find((p) => p.name === 'desk')!.script);
  });

  it('says how to build the pages when they are missing, instead of a blank page', async () => {
    const bare = Fastify();
    await webAssets(bare, { distDir: join(dir, 'nothing-here') });
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});
