/**
 * Who may sign in, read from the config store at each sign-in and each request (issue 17):
 * a login added through the admin page works at once, and a person disabled (or taken off
 * the roster) is signed out at once, their session reading as ended, because their login
 * no longer resolves to someone on the roster the services run on.
 */
import type { DispatchPlanner } from '../../alerting/domain/dispatch/planner.ts';
import type { ConfigStore } from '../../config-store/port.ts';
import { isPasswordHash } from './password-hash.ts';
import { ROSTER_ROLES_FOR } from './roles.ts';
import type { UserDirectory, UserEntry } from './users-file.ts';

export function storeUserDirectory(store: Pick<ConfigStore, 'get' | 'list'>, planner: Pick<DispatchPlanner, 'roster'>): UserDirectory {
  return {
    find(login) {
      const entry = store.get<UserEntry>('person', login)?.value;
      if (!entry || !isPasswordHash(entry.passwordHash)) return undefined;
      const member = planner.roster.staff.find((m) => m.id === entry.staffId);
      // Disabled (not in the running roster), or a roster role that no longer fits the login's.
      if (!member || !ROSTER_ROLES_FOR[entry.role].includes(member.role)) return undefined;
      return { user: { login: entry.login, name: member.name, role: entry.role, staffId: entry.staffId }, passwordHash: entry.passwordHash };
    },
    get size() {
      return store.list('person').length;
    },
  };
}
