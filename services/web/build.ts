import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { WEB_DIST } from './paths.ts';

/**
 * Builds the duty-desk and phone pages into services/web/dist: one esbuild run bundles both
 * entries (shared code split into common chunks), then each page's HTML is written naming its
 * content-hashed script and style. Nothing is fetched at build or run time: no CDN, no fonts.
 */
const here = dirname(fileURLToPath(import.meta.url));

/** The pages: the HTML file Fastify serves, its entry module and its title. */
const PAGES = [
  { name: 'desk', html: 'index.html', entry: 'src/desk/main.tsx', title: 'OpenCompound · 值班台 Duty desk', theme: '#10161d' },
  { name: 'phone', html: 'm.html', entry: 'src/phone/main.tsx', title: 'OpenCompound · 我的派单 My dispatches', theme: '#f4f6f8' },
  { name: 'admin', html: 'admin.html', entry: 'src/admin/main.tsx', title: 'OpenCompound · 系统管理 Administration', theme: '#10161d' },
] as const;

export interface WebBuildResult {
  outDir: string;
  pages: { name: string; html: string; script: string; style: string | undefined }[];
}

export async function buildWeb(outDir = WEB_DIST, opts: { minify?: boolean } = {}): Promise<WebBuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  const assets = join(outDir, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    absWorkingDir: here,
    entryPoints: Object.fromEntries(PAGES.map((p) => [p.name, p.entry])),
    outdir: assets,
    bundle: true,
    splitting: true,
    format: 'esm',
    // Chromium of Debian stable and the phones the staff carry: anything from 2021 on.
    target: ['chrome100', 'safari15', 'firefox100'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: opts.minify ?? true,
    // Maps stay beside the build for a developer, without the sources inside and never served (web-assets.ts).
    sourcemap: 'external',
    sourcesContent: false,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });

  const pages = PAGES.map((page) => {
    const entryPath = join(here, page.entry);
    const outputs = Object.entries(result.metafile.outputs);
    const [script, output] = outputs.find(([, o]) => o.entryPoint && join(here, o.entryPoint) === entryPath) ?? [];
    if (!script || !output) throw new Error(`build:web: esbuild produced no script for ${page.entry}`);
    // The CSS the entry imports, directly or through shared modules, is bundled beside it.
    const style = output.cssBundle;
    const url = (file: string) => `/assets/${relative(assets, join(here, file)).split('\\').join('/')}`;
    writeFileSync(join(outDir, page.html), htmlPage(page.title, page.theme, url(script), style ? url(style) : undefined));
    return { name: page.name, html: page.html, script: url(script), style: style ? url(style) : undefined };
  });
  return { outDir, pages };
}

/** A red-dot mark drawn inline, so the browser does not ask the server for /favicon.ico. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#10263f"/><circle cx="8" cy="8" r="4" fill="#ff5d5d"/></svg>')}`;

function htmlPage(title: string, theme: string, script: string, style: string | undefined): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="${theme}">
<link rel="icon" href="${FAVICON}">
<title>${title}</title>
${style ? `<link rel="stylesheet" href="${style}">\n` : ''}<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><p class="boot">加载中… Loading…</p></div>
<noscript>此页面需要 JavaScript。 This page needs JavaScript.</noscript>
</body>
</html>
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  const out = await buildWeb();
  for (const p of out.pages) process.stdout.write(`build:web  ${p.html.padEnd(10)} ${p.script}${p.style ? ` ${p.style}` : ''}\n`);
  process.stdout.write(`build:web  done in ${Date.now() - started} ms → ${relative(process.cwd(), out.outDir)}\n`);
}
