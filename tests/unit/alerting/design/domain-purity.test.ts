import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The design rule, checked on the source: rules, tickets, SLA and dispatch
 * are plain domain code. No module that does I/O, no clock but the injected one.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const DOMAIN = join(ROOT, 'services/alerting/domain');
/** Shared modules that are plain data and functions (types, error codes, envelope validation). */
const PURE_SHARED = new Set(['services/shared/envelope.ts', 'services/shared/errors.ts', 'services/shared/config-error.ts']);
const PURE_PACKAGES = new Set(['zod']);

const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

const domainFiles = walk(DOMAIN);
const importsOf = (source: string): string[] => [...source.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
/** Code without comments, so a comment mentioning Date.now does not count. */
const code = (source: string): string => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');

function problemsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const spec of importsOf(source)) {
    if (spec.startsWith('.')) {
      const target = resolve(dirname(file), spec);
      const inside = target.startsWith(DOMAIN + '/');
      if (!inside && !PURE_SHARED.has(relative(ROOT, target))) problems.push(`imports ${spec} (outside the domain)`);
    } else if (!PURE_PACKAGES.has(spec)) {
      problems.push(`imports ${spec}`);
    }
  }
  for (const banned of ['Date.now(', 'new Date()', 'setTimeout(', 'setInterval(', 'Math.random(', 'process.']) {
    if (code(source).includes(banned)) problems.push(`uses ${banned}`);
  }
  return problems;
}

describe('alerting domain purity', () => {
  it('covers the rules, tickets and dispatch folders (so the check below can fail)', () => {
    const folders = new Set(domainFiles.map((f) => relative(DOMAIN, dirname(f))));
    expect([...folders].sort()).toEqual(expect.arrayContaining(['dispatch', 'rules', 'tickets']));
    expect(domainFiles.length).toBeGreaterThan(30);
  });

  it('the checker catches I/O imports and wall-clock use', () => {
    const fake = join(DOMAIN, 'rules', 'fake.ts');
    const src = "import { readFileSync } from 'node:fs';\nimport { x } from '../../store/schema.ts';\nimport { y } from './ok.ts';\nconst t = Date.now();\n// Date.now( in a comment is fine\n";
    const found = importsOf(src).map((s) => (s.startsWith('.') ? relative(ROOT, resolve(dirname(fake), s)) : s));
    expect(found).toEqual(['node:fs', 'services/alerting/store/schema.ts', 'services/alerting/domain/rules/ok.ts']);
    expect(code(src).includes('Date.now(')).toBe(true);
    expect(code('// Date.now( only here').includes('Date.now(')).toBe(false);
  });

  it.each(domainFiles.map((f) => [relative(DOMAIN, f), f] as const))('%s has no I/O imports and no wall clock', (_name, file) => {
    expect(problemsOf(file)).toEqual([]);
  });
});
