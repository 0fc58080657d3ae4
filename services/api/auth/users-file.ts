/**
 * The users file (YAML or JSON): who may sign in, as which role, standing for
 * which roster member. Passwords appear only as scrypt hashes.
 *
 *   version: 1
 *   users:
 *     - { login: desk, role: operator, staffId: sun-li, passwordHash: 'scrypt$16384$8$1$…' }
 */
import { fileURLToPath } from 'node:url';
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import type { Bilingual } from '../../alerting/domain/model.ts';
import type { Roster } from '../../alerting/domain/dispatch/types.ts';
import { configError } from '../../shared/config-error.ts';
import { readConfigFile } from '../../shared/config-file.ts';
import { isPasswordHash } from './password-hash.ts';
import { APP_ROLES, ROSTER_ROLES_FOR, type AppRole } from './roles.ts';

export const REFERENCE_USERS_PATH = fileURLToPath(new URL('../reference/users.yaml', import.meta.url));

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

const userEntry = z
  .object({
    login: z.string().regex(LOGIN_PATTERN, 'must be 2..64 lower-case letters, digits, dots, dashes or underscores'),
    role: z.enum(APP_ROLES),
    staffId: z.string().min(1),
    passwordHash: z.string().refine(isPasswordHash, 'must be a scrypt hash (npm run user -- add …)'),
  })
  .strict();

const usersFileSchema = z.object({ version: z.literal(1), users: z.array(userEntry) }).strict();

export type UserEntry = z.infer<typeof userEntry>;
export type UsersFile = z.infer<typeof usersFileSchema>;

/** A user as the API hands it out: never the hash. */
export interface User {
  login: string;
  name: Bilingual;
  role: AppRole;
  staffId: string;
}

export interface UserDirectory {
  /** The user and their password hash; undefined for an unknown login. */
  find(login: string): { user: User; passwordHash: string } | undefined;
  readonly size: number;
}

/** Raw config → a directory; every problem (schema, duplicates, roster links) named by its key path. */
export function parseUsers(raw: unknown, roster: Roster, source = 'users file'): UserDirectory {
  const parsed = usersFileSchema.superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.users.forEach((u, i) => {
      if (seen.has(u.login)) ctx.addIssue({ code: 'custom', path: ['users', i, 'login'], message: `duplicate login '${u.login}'` });
      seen.add(u.login);
      const member = roster.staff.find((m) => m.id === u.staffId);
      if (!member) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'staffId'], message: `'${u.staffId}' is not on the roster` });
      } else if (!ROSTER_ROLES_FOR[u.role].includes(member.role)) {
        ctx.addIssue({ code: 'custom', path: ['users', i, 'role'], message: `${u.role} does not fit ${u.staffId}, who is ${member.role} on the roster` });
      }
    });
  }).safeParse(raw);
  if (!parsed.success) throw configError(source, parsed.error.issues);
  const byLogin = new Map(
    parsed.data.users.map((u) => {
      const member = roster.staff.find((m) => m.id === u.staffId)!;
      return [u.login, { user: { login: u.login, name: member.name, role: u.role, staffId: u.staffId }, passwordHash: u.passwordHash }];
    }),
  );
  return { find: (login) => byLogin.get(login), size: byLogin.size };
}

export function loadUsers(path: string, roster: Roster): UserDirectory {
  return parseUsers(readConfigFile(path, 'users file'), roster, path);
}

/**
 * The text of a YAML users file with one user added or replaced, keeping the
 * comments and the other entries as they are; `text` undefined starts a new file.
 */
export function withUser(text: string | undefined, entry: UserEntry): { text: string; change: 'added' | 'replaced' } {
  const doc = parseDocument(text ?? stringify({ version: 1, users: [] }));
  const users = (doc.toJS() as Partial<UsersFile> | null)?.users ?? [];
  const index = users.findIndex((u) => u.login === entry.login);
  const node = doc.createNode(entry, { flow: true });
  if (index >= 0) doc.setIn(['users', index], node);
  else if (doc.hasIn(['users'])) doc.addIn(['users'], node);
  else doc.set('users', [node]);
  return { text: doc.toString({ lineWidth: 0 }), change: index >= 0 ? 'replaced' : 'added' };
}
