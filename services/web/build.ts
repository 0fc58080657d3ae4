import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { appIconPng } from './icon-png.ts';
import { MANIFEST_FILE, SERVICE_WORKER_FILE, WEB_DIST } from './paths.ts';

/**
 * Builds the duty-desk and phone pages into services/web/dist: one esbuild run bundles both
 * entries (shared code split into common chunks), then each page's HTML is written naming its
 * content-hashed script and style. The phone page is an installable app besides: its icons
 * (drawn here), its manifest and its service worker (`/sw.js`, told which files make the
 * page's shell). Nothing is fetched at build or run time: no CDN, no fonts.
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
  /** The phone app: its service worker, manifest and the files the worker keeps for offline. */
  phoneApp: { serviceWorker: string; manifest: string; shell: string[] };
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

  const url = (file: string) => `/assets/${relative(assets, join(here, file)).split('\\').join('/')}`;
  const icons = writeIcons(assets);
  const outputs = result.metafile.outputs;
  let phoneShell: string[] = [];
  const pages = PAGES.map((page) => {
    const entryPath = join(here, page.entry);
    const [script, output] = Object.entries(outputs).find(([, o]) => o.entryPoint && join(here, o.entryPoint) === entryPath) ?? [];
    if (!script || !output) throw new Error(`build:web: esbuild produced no script for ${page.entry}`);
    // The CSS the entry imports, directly or through shared modules, is bundled beside it.
    const style = output.cssBundle;
    const app = page.name === 'phone' ? { manifest: `/${MANIFEST_FILE}`, touchIcon: icons.touch } : undefined;
    writeFileSync(join(outDir, page.html), htmlPage(page.title, page.theme, url(script), style ? url(style) : undefined, app));
    if (page.name === 'phone') phoneShell = ['/m', ...[...staticImports(outputs, script)].map(url), ...(style ? [url(style)] : []), icons.notification, `/${MANIFEST_FILE}`];
    return { name: page.name, html: page.html, script: url(script), style: style ? url(style) : undefined };
  });
  writeFileSync(join(outDir, MANIFEST_FILE), `${JSON.stringify(phoneManifest(icons.manifest), null, 2)}\n`);
  await buildServiceWorker(outDir, phoneShell, icons.notification, opts.minify ?? true);
  return { outDir, pages, phoneApp: { serviceWorker: `/${SERVICE_WORKER_FILE}`, manifest: `/${MANIFEST_FILE}`, shell: phoneShell } };
}

/** An entry's script and every chunk it imports at load, directly or not: what the page needs to start offline. */
function staticImports(outputs: Record<string, { imports: { path: string; kind: string }[] }>, entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const i of outputs[file]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return seen;
}

interface BuiltIcons {
  manifest: { src: string; sizes: string; type: 'image/png'; purpose: 'any' | 'maskable' }[];
  touch: string;
  notification: string;
}

/** The app icons, content-hashed like every other asset (so they may be cached for a year). */
function writeIcons(assets: string): BuiltIcons {
  const write = (name: string, png: Buffer) => {
    const file = `${name}-${createHash('sha256').update(png).digest('hex').slice(0, 8)}.png`;
    writeFileSync(join(assets, file), png);
    return `/assets/${file}`;
  };
  const i192 = write('icon-192', appIconPng(192));
  const i512 = write('icon-512', appIconPng(512));
  const maskable = write('icon-maskable-512', appIconPng(512, { maskable: true }));
  const touch = write('icon-180', appIconPng(180, { maskable: true }));
  return {
    manifest: [
      { src: i192, sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: i512, sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: maskable, sizes: '512x512', type: 'image/png', purpose: 'maskable' },
    ],
    touch,
    notification: i192,
  };
}

/**
 * The web app manifest of the phone page. Chinese first (the page's default); the English
 * names ride along in the localisation members browsers that know them use.
 */
function phoneManifest(icons: BuiltIcons['manifest']) {
  return {
    id: '/m',
    name: 'OpenCompound 我的派单 · My dispatches',
    short_name: '我的派单',
    name_localized: { en: 'OpenCompound · My dispatches', 'zh-CN': 'OpenCompound · 我的派单' },
    short_name_localized: { en: 'Dispatches', 'zh-CN': '我的派单' },
    description: '物业工单派单、接单和处理 · Property dispatches: accept, arrive, resolve',
    lang: 'zh-CN',
    dir: 'ltr',
    start_url: '/m',
    scope: '/m',
    display: 'standalone',
    orientation: 'portrait',
    theme_color: '#f4f6f8',
    background_color: '#f4f6f8',
    icons,
  };
}

/**
 * The service worker: one classic script (module workers are too new for some of the
 * phones), not content-hashed (its URL is its identity), told the shell to keep. The
 * version changes with any file of the shell, so a new build replaces the old cache.
 */
async function buildServiceWorker(outDir: string, shell: string[], icon: string, minify: boolean): Promise<void> {
  const version = createHash('sha256').update(shell.join('\n')).digest('hex').slice(0, 12);
  await build({
    absWorkingDir: here,
    entryPoints: ['src/sw/service-worker.ts'],
    outfile: join(outDir, SERVICE_WORKER_FILE),
    bundle: true,
    format: 'iife',
    target: ['chrome100', 'safari15', 'firefox100'],
    minify,
    sourcemap: false,
    define: { __OC_SHELL__: JSON.stringify({ version, urls: shell, icon }) },
    logLevel: 'warning',
  });
}

/** A red-dot mark drawn inline, so the browser does not ask the server for /favicon.ico. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#10263f"/><circle cx="8" cy="8" r="4" fill="#ff5d5d"/></svg>')}`;

function htmlPage(title: string, theme: string, script: string, style: string | undefined, app?: { manifest: string; touchIcon: string }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="theme-color" content="${theme}">
<link rel="icon" href="${FAVICON}">
${app ? `<link rel="manifest" href="${app.manifest}">\n<link rel="apple-touch-icon" href="${app.touchIcon}">\n<meta name="apple-mobile-web-app-capable" content="yes">\n` : ''}<title>${title}</title>
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
  process.stdout.write(`build:web  phone app  ${out.phoneApp.serviceWorker} ${out.phoneApp.manifest}, ${out.phoneApp.shell.length} files kept for offline\n`);
  process.stdout.write(`build:web  done in ${Date.now() - started} ms → ${relative(process.cwd(), out.outDir)}\n`);
}
