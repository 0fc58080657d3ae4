import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../shared/config-file.ts';
import { configError } from '../shared/config-error.ts';
import { siteSchema, type SiteConfig } from './schema.ts';

export const REFERENCE_SITE_PATH = fileURLToPath(new URL('./reference/dianliu-block8.yaml', import.meta.url));

/** Reads a YAML or JSON site file; every problem is reported with the key path that holds it. */
export function loadSite(path: string = REFERENCE_SITE_PATH): SiteConfig {
  return parseSite(readConfigFile(path, 'site file'), path);
}

export function parseSite(raw: unknown, source = 'site'): SiteConfig {
  const result = siteSchema.safeParse(raw);
  if (!result.success) {
    throw configError(source, result.error.issues);
  }
  return result.data;
}
