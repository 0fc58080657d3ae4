import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/** Marks the lines that name a failed test; `.ci/run` repeats them in its summary. */
const FAILED_PREFIX = 'FAILED: ';

/**
 * Ends every run with the failed tests, one per line (`FAILED: file > test: first error line`),
 * and one plain line, `tests: N passed, N failed, N skipped`, which any CI log reader
 * understands without knowing vitest's own format.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let skipped = 0;
    const failures: string[] = unhandledErrors.map((e) => `unhandled error: ${firstLine(e)}`);
    for (const module of testModules) {
      const file = relative(process.cwd(), module.moduleId);
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') passed += 1;
        else if (result.state === 'failed') failures.push(`${file} > ${test.fullName}: ${firstLine(result.errors?.[0])}`);
        else skipped += 1;
      }
      // A file that failed to load has no tests to count, and must still fail the run.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) {
        failures.push(`${file}: ${firstLine(module.errors()[0])}`);
      }
    }
    const lines = failures.map((f) => `${FAILED_PREFIX}${f}\n`).join('');
    process.stdout.write(`\n${lines}tests: ${passed} passed, ${failures.length} failed, ${skipped} skipped\n`);
  }
}

function firstLine(error: unknown): string {
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.split('\n')[0]!.slice(0, 300);
}
