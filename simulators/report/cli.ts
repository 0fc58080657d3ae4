/**
 * `npm run noise-report -- FILE [--json | --brief]` (the same as `npm run simulate -- --scenario FILE --report`):
 * the scenario on its own simulated clock through gateway, log and alerting in this
 * process, faster than real time, then the noise report. The same at any hour and speed.
 */
import { resolve } from 'node:path';
import { isOcError } from '../../services/shared/errors.ts';
import { loadScenarioFile } from '../scenario.ts';
import { printNoiseReport } from './print-report.ts';

async function main(argv: readonly string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write('Usage: npm run noise-report -- SCENARIO_FILE [--json | --brief]\n');
    return 2;
  }
  await printNoiseReport({ scenario: loadScenarioFile(resolve(file)), json: argv.includes('--json'), brief: argv.includes('--brief') });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${isOcError(err) ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(isOcError(err, 'OC_CONFIG_INVALID') ? 2 : 1);
  },
);
