import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the pages in real headless Chromium (Debian's package, driven by
 * playwright-core) against the whole platform on loopback. The pages are built first, once.
 * One file at a time: each starts a browser and the platform, and CI boxes have two cores.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: ['tests/browser/**/*.test.ts'],
    globalSetup: ['tests/browser/support/build-pages.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
  },
});
