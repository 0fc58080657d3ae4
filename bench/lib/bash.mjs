// Runs a shell script for the bench (starting or stopping a server), passing its output through.
import { spawnSync } from 'node:child_process';

const result = spawnSync('bash', process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status ?? 1);
