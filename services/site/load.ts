import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { configError } from '../shared/config-error.ts';
import { OcError } from '../shared/errors.ts';
import { siteSchema, type SiteConfig } from './schema.ts';

export const REFERENCE_SITE_PATH = fileURLToPath(new URL('./reference/dianliu-block8.yaml', import.meta.url));

/** Reads a YAML or JSON site file; every problem is reported with the key path that holds it. */
export function loadSite(path: string = REFERENCE_SITE_PATH): SiteConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `cannot read site file ${path}: ${(err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_INVALID', `site file ${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return parseSite(raw, path);
}

export function parseSite(raw: unknown, source = 'site'): SiteConfig {
  const result = siteSchema.safeParse(raw);
  if (!result.success) {
    throw configError(source, result.error.issues);
  }
  return result.data;
}
