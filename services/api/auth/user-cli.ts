/**
 * `npm run user -- add <login> --role operator|staff|manager --staff <rosterId> [--file users.yaml] [--password-stdin]`
 *
 * Asks for the password (or reads one line from stdin with --password-stdin),
 * hashes it with scrypt and prints the users-file entry. With --file (default:
 * OC_USERS_FILE when set) the entry is added to that file, or replaces the
 * login's old entry, after the whole file was checked against the roster.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadRoster } from '../../alerting/roster-file.ts';
import { isOcError } from '../../shared/errors.ts';
import { hashPassword } from './password-hash.ts';
import { APP_ROLES, type AppRole } from './roles.ts';
import { LOGIN_PATTERN, parseUsers, withUser } from './users-file.ts';

const USAGE = 'usage: npm run user -- add <login> --role operator|staff|manager --staff <rosterId> [--file users.yaml] [--password-stdin]';
const MIN_PASSWORD = 8;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, staff: { type: 'string' }, file: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  });
  const [command, login] = positionals;
  if (command !== 'add' || !login || !values.role || !values.staff) throw new UsageError(USAGE);
  if (!LOGIN_PATTERN.test(login)) throw new UsageError(`login '${login}': use 2..64 lower-case letters, digits, dots, dashes or underscores`);
  if (!(APP_ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${APP_ROLES.join(', ')}`);

  const password = values['password-stdin'] ? await readLine() : await promptHidden(`password for ${login}: `);
  if (password.length < MIN_PASSWORD) throw new UsageError(`the password needs at least ${MIN_PASSWORD} characters`);
  const entry = { login, role: values.role as AppRole, staffId: values.staff, passwordHash: await hashPassword(password) };

  const roster = loadRoster(process.env.OC_ROSTER_FILE || undefined);
  const file = values.file ?? process.env.OC_USERS_FILE;
  const before = file && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const after = withUser(before, entry);
  // Check the file as the API will read it, so a typo in --staff never reaches a running desk.
  parseUsers(parseYaml(after.text), roster, file ?? 'the new entry');
  if (file) {
    writeFileSync(file, after.text);
    process.stdout.write(`${after.change} ${login} (${entry.role}, ${entry.staffId}) in ${resolve(file)}; restart the API to use it\n`);
  } else {
    process.stdout.write(`- { login: ${login}, role: ${entry.role}, staffId: ${entry.staffId}, passwordHash: '${entry.passwordHash}' }\n`);
  }
}

class UsageError extends Error {}

function readLine(): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolveLine(text.split(/\r?\n/)[0] ?? ''));
    process.stdin.on('error', reject);
  });
}

/** Reads a password from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return readLine();
  process.stdout.write(question);
  return new Promise((resolveLine, reject) => {
    let text = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stdout.write('\n');
      if (err) reject(err);
      else resolveLine(text);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof UsageError || isOcError(err) ? err.message : String(err);
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
});
