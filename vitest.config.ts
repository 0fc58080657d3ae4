import { defineConfig } from 'vitest/config';

/** `npm test`: everything that needs no outside server (real sockets on loopback are fine). */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
  },
});
