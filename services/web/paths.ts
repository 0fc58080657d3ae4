import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the pages and the API serves them from; gitignored. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');

/** The phone app's service worker and manifest, at the root of the build and of the site (a worker's URL bounds its scope). */
export const SERVICE_WORKER_FILE = 'sw.js';
export const MANIFEST_FILE = 'manifest.webmanifest';
