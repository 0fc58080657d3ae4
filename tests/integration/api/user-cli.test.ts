import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { verifyPassword } from '../../../services/api/auth/password-hash.ts';
import { parseUsers } from '../../../services/api/auth/users-file.ts';

const CLI = join(import.meta.dirname, '../../../services/api/auth/user-cli.ts');
const TSX = join(import.meta.dirname, '../../../node_modules/.bin/tsx');

/** Runs `npm run user -- …` as a person would, with the password on stdin. */
function run(args: string[], password: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(TSX, [CLI, ...args], { env: { ...process.env, OC_USERS_FILE: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(`${password}\n`);
  });
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-users-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run user', () => {
  it('adds a user to a file with a scrypt hash of the password, then replaces it', async () => {
    const file = join(dir, 'users.yaml');
    const added = await run(['add', 'night-plumber', '--role', 'staff', '--staff', 'yan-chunsheng', '--file', file, '--password-stdin'], 'rain all night');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toMatch(/^added night-plumber \(staff, yan-chunsheng\)/);
    const users = parseUsers(parse(readFileSync(file, 'utf8')), loadRoster());
    expect(await verifyPassword('rain all night', users.find('night-plumber')!.passwordHash)).toBe(true);

    const replaced = await run(['add', 'night-plumber', '--role', 'staff', '--staff', 'hua-yong', '--file', file, '--password-stdin'], 'new password 2');
    expect(replaced.stdout).toMatch(/^replaced night-plumber/);
    const after = parseUsers(parse(readFileSync(file, 'utf8')), loadRoster());
    expect(after.size).toBe(1);
    expect(after.find('night-plumber')!.user.staffId).toBe('hua-yong');
  }, 60_000);

  it('prints the entry when no file is named, and refuses what the API would refuse', async () => {
    const printed = await run(['add', 'desk2', '--role', 'operator', '--staff', 'li-na', '--password-stdin'], 'a good password');
    expect(printed.code).toBe(0);
    expect(printed.stdout).toMatch(/^- \{ login: desk2, role: operator, staffId: li-na, passwordHash: 'scrypt\$16384\$8\$1\$/);

    const wrongRole = await run(['add', 'x9', '--role', 'manager', '--staff', 'li-na', '--password-stdin'], 'a good password');
    expect(wrongRole.code).toBe(1);
    expect(wrongRole.stderr).toMatch(/users\.0\.role: manager does not fit li-na/);
    const short = await run(['add', 'x9', '--role', 'staff', '--staff', 'hua-yong', '--password-stdin'], 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 8 characters/);
  }, 60_000);
});
