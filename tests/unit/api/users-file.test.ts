import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { hashPassword, verifyPassword } from '../../../services/api/auth/password-hash.ts';
import { loadUsers, parseUsers, REFERENCE_USERS_PATH, withUser } from '../../../services/api/auth/users-file.ts';

const roster = loadRoster();
const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U';
const file = (users: object[]) => ({ version: 1, users });
const problem = (raw: unknown): string => {
  try {
    parseUsers(raw, roster, 'users.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return 'no problem';
};

describe('the reference users file', () => {
  const users = loadUsers(REFERENCE_USERS_PATH, roster);

  it('has a login for every roster member, plus desk, manager, admin, plumber and guard', () => {
    for (const m of roster.staff) expect(users.find(m.id)?.user.staffId).toBe(m.id);
    expect(users.find('desk')?.user).toEqual({ login: 'desk', name: { zh: '孙丽', en: 'Sun Li' }, role: 'operator', staffId: 'sun-li' });
    expect(users.find('manager')?.user.role).toBe('manager');
    expect(users.find('plumber')?.user).toMatchObject({ role: 'staff', staffId: 'kong-deming' });
    expect(users.find('guard')?.user).toMatchObject({ role: 'staff', staffId: 'chen-gang' });
    // The site's administrator (issue 17) stands for the property manager.
    expect(users.find('admin')?.user).toMatchObject({ role: 'admin', staffId: 'liu-hongmei' });
    expect(users.size).toBe(roster.staff.length + 5);
  });

  it('has the documented demo passwords (login + "-demo")', async () => {
    for (const login of ['desk', 'manager', 'admin', 'plumber', 'zhao-jianguo']) expect(await verifyPassword(`${login}-demo`, users.find(login)!.passwordHash)).toBe(true);
  });
});

describe('users file checks', () => {
  it('names each problem by its key', () => {
    expect(problem(file([{ login: 'x1', role: 'staff', staffId: 'ghost', passwordHash: HASH }]))).toMatch(/users\.0\.staffId: 'ghost' is not on the roster/);
    expect(problem(file([{ login: 'x1', role: 'staff', staffId: 'sun-li', passwordHash: HASH }]))).toMatch(/users\.0\.role: staff does not fit sun-li, who is operator/);
    expect(problem(file([{ login: 'x1', role: 'manager', staffId: 'zhao-jianguo', passwordHash: HASH }]))).toMatch(/users\.0\.role/);
    expect(problem(file([{ login: 'x1', role: 'staff', staffId: 'kong-deming', passwordHash: 'hunter2' }]))).toMatch(/users\.0\.passwordHash: must be a scrypt hash/);
    expect(problem(file([{ login: 'Desk', role: 'operator', staffId: 'sun-li', passwordHash: HASH }]))).toMatch(/users\.0\.login/);
    const twice = { login: 'desk', role: 'operator', staffId: 'sun-li', passwordHash: HASH };
    expect(problem(file([twice, twice]))).toMatch(/users\.1\.login: duplicate login 'desk'/);
    expect(problem(file([{ ...twice, password: 'desk-demo' }]))).toMatch(/users\.0\.password: is not a known key/);
  });

  it('lets a shift supervisor sign in as an operator', () => {
    expect(problem(file([{ login: 'zhao', role: 'operator', staffId: 'zhao-jianguo', passwordHash: HASH }]))).toBe('no problem');
  });
});

describe('adding a user to a file', () => {
  it('adds to a new file, then replaces by login, keeping comments and other users', async () => {
    const entry = { login: 'night-desk', role: 'operator' as const, staffId: 'li-na', passwordHash: await hashPassword('a long password', { N: 1024, r: 8, p: 1 }) };
    const created = withUser(undefined, entry);
    expect(created.change).toBe('added');
    expect(parseUsers(parseYaml(created.text), roster).find('night-desk')?.user.staffId).toBe('li-na');

    const reference = readFileSync(REFERENCE_USERS_PATH, 'utf8');
    const replaced = withUser(reference, { ...entry, login: 'desk', staffId: 'wu-jing' });
    expect(replaced.change).toBe('replaced');
    expect(replaced.text).toContain('# DEMO users of the reference site');
    const after = parseUsers(parseYaml(replaced.text), roster);
    expect(after.find('desk')?.user.staffId).toBe('wu-jing');
    expect(after.size).toBe(loadUsers(REFERENCE_USERS_PATH, roster).size);
  });
});
