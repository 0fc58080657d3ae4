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

  it('says how to build the pages when they are missing, instead of a blank page', async () => {
    const bare = Fastify();
    await webAssets(bare, { distDir: join(dir, 'nothing-here') });
    const res = await bare.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
    await bare.close();
  });
});
