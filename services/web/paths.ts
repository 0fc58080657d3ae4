import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build:web` writes the pages and the API serves them from; gitignored. */
export const WEB_DIST = join(dirname(fileURLToPath(import.meta.url)), 'dist');
