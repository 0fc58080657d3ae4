import { defineConfig } from 'vitest/config';

/** `npm run test:infra`: suites against real servers started by infra/ scripts (.ci/run starts them). */
export default defineConfig({
  test: {
    include: ['tests/infra/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './tests/support/plain-summary-reporter.ts'],
    fileParallelism: false,
  },
});
