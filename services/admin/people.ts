/**
 * People edited live (issue 17): add, edit and disable a member of the roster, and the
 * login that stands for them. Pure: functions from the stored roster and users to the
 * next ones; the routes write them to the config store in one transaction. Every edit is
 * validated like the roster file (the roster parser itself), so nothing the file would
 * refuse gets in through the API.
 */
import type { StaffRole } from '../alerting/domain/dispatch/types.ts';
import type { Bilingual } from '../alerting/domain/model.ts';
import { ROSTER_ROLES_FOR, type AppRole } from '../api/auth/roles.ts';
import type { UserEntry } from '../api/auth/users-file.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { effectiveRoster, type StoredRoster, type StoredStaff } from './stored-roster.ts';
import type { CoverageWarning } from '../alerting/domain/dispatch/parse-roster.ts';

export interface PersonFields {
  name: Bilingual;
  teamId: string;
  role: StaffRole;
  phone?: string | undefined;
  email?: string | undefined;
  scheduleId?: string | undefined;
  crew?: string | undefined;
}

/** A person as the admin page sees them: the roster entry, whether they are disabled, and their login. */
export interface Person extends PersonFields {
  id: string;
  disabled: boolean;
  login?: { login: string; role: AppRole } | undefined;
}

/** null clears an optional field (a phone number given up, a crew left). */
export type PersonPatch = { [K in keyof PersonFields]?: PersonFields[K] | null } & { disabled?: boolean };

const OPTIONAL: readonly (keyof PersonFields)[] = ['phone', 'email', 'scheduleId', 'crew'];

export function listPeople(stored: StoredRoster, users: readonly UserEntry[]): Person[] {
  return stored.staff.map((m) => personOf(m, users));
}

export function findPerson(stored: StoredRoster, users: readonly UserEntry[], id: string): Person {
  const m = stored.staff.find((s) => s.id === id);
  if (!m) throw new OcError('OC_PEOPLE_NOT_FOUND', `no person ${id} on the roster`, { field: 'id' });
  return personOf(m, users);
}

function personOf(m: StoredStaff, users: readonly UserEntry[]): Person {
  const user = users.find((u) => u.staffId === m.id);
  const { disabled, ...fields } = m;
  return { ...(fields as unknown as PersonFields & { id: string }), disabled: disabled === true, ...(user ? { login: { login: user.login, role: user.role } } : {}) };
}

/** The roster with one more person; refuses a taken id, an unknown team or shift, and anything the roster file would refuse. */
export function addPerson(stored: StoredRoster, id: string, fields: PersonFields): { roster: StoredRoster; warnings: CoverageWarning[] } {
  if (stored.staff.some((m) => m.id === id)) throw new OcError('OC_PEOPLE_DUPLICATE', `a person with id ${id} is already on the roster`, { field: 'id' });
  const entry: StoredStaff = { id, ...withoutUndefined(fields) };
  return checked(stored, { ...stored, staff: [...stored.staff, entry] }, entry);
}

/** The roster with one person changed (disabling them included); same checks as adding. */
export function patchPerson(stored: StoredRoster, id: string, patch: PersonPatch): { roster: StoredRoster; warnings: CoverageWarning[] } {
  const index = stored.staff.findIndex((m) => m.id === id);
  if (index < 0) throw new OcError('OC_PEOPLE_NOT_FOUND', `no person ${id} on the roster`, { field: 'id' });
  const next: StoredStaff = { ...stored.staff[index]! };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || (key === 'disabled' && value === false)) delete next[key];
    else if (value !== undefined) next[key] = value;
  }
  // Leaving the schedule leaves the crew too: a crew means nothing without its schedule.
  if (patch.scheduleId === null && patch.crew === undefined) delete next.crew;
  const staff = stored.staff.map((m, i) => (i === index ? next : m));
  return checked(stored, { ...stored, staff }, next);
}

function checked(before: StoredRoster, after: StoredRoster, entry: StoredStaff): { roster: StoredRoster; warnings: CoverageWarning[] } {
  const teams = (before.teams as { id: string }[] | undefined) ?? [];
  const schedules = (before.schedules as { id: string; crews: { id: string }[] }[] | undefined) ?? [];
  if (typeof entry.teamId === 'string' && !teams.some((t) => t.id === entry.teamId)) {
    throw new OcError('OC_PEOPLE_UNKNOWN_TEAM', `no team ${entry.teamId}; the teams are ${teams.map((t) => t.id).join(', ')}`, { field: 'teamId' });
  }
  if (typeof entry.scheduleId === 'string') {
    const schedule = schedules.find((s) => s.id === entry.scheduleId);
    if (!schedule) throw new OcError('OC_PEOPLE_UNKNOWN_SHIFT', `no shift schedule ${entry.scheduleId}; the schedules are ${schedules.map((s) => s.id).join(', ')}`, { field: 'scheduleId' });
    if (typeof entry.crew === 'string' && !schedule.crews.some((c) => c.id === entry.crew)) {
      throw new OcError('OC_PEOPLE_UNKNOWN_SHIFT', `no crew ${entry.crew} in schedule ${schedule.id}; its crews are ${schedule.crews.map((c) => c.id).join(', ')}`, { field: 'crew' });
    }
  }
  try {
    const { warnings } = effectiveRoster(after, 'roster');
    return { roster: after, warnings };
  } catch (err) {
    // Disabling the manager or a crew's only supervisor, a role without a crew: the roster names the key.
    if (isOcError(err, 'OC_CONFIG_INVALID')) throw new OcError('OC_PEOPLE_INVALID', err.message.replace(/^configuration is invalid: /, ''), { ...err.details, field: fieldOf(err) });
    throw err;
  }
}

/** The person's own field when the roster blames it (`staff.12.crew` → `crew`), else the roster key. */
function fieldOf(err: OcError): string | undefined {
  const key = (err.details?.keys as string[] | undefined)?.[0];
  return key?.replace(/^staff\.\d+\./, '');
}

/**
 * The users after a login change for a person: `login` undefined leaves theirs as it is,
 * null removes it. The role must fit the roster role (a guard signs in as staff), as the
 * users file demands; a login someone else has is refused.
 */
export function withLogin(
  users: readonly UserEntry[],
  person: { id: string; role: StaffRole },
  login: { login: string; role: AppRole; passwordHash?: string | undefined } | null | undefined,
): { users: UserEntry[]; removed: UserEntry | undefined; written: UserEntry | undefined } {
  const current = users.find((u) => u.staffId === person.id);
  if (login === undefined) {
    // A roster role change must still fit the login they have.
    if (current && !ROSTER_ROLES_FOR[current.role].includes(person.role)) {
      throw new OcError('OC_PEOPLE_INVALID', `role: ${person.role} does not fit their login ${current.login}, which signs in as ${current.role}`, { field: 'role' });
    }
    return { users: [...users], removed: undefined, written: undefined };
  }
  const others = users.filter((u) => u.staffId !== person.id);
  if (login === null) return { users: others, removed: current, written: undefined };
  if (others.some((u) => u.login === login.login)) throw new OcError('OC_PEOPLE_LOGIN_TAKEN', `login ${login.login} belongs to someone else`, { field: 'login.login' });
  if (!ROSTER_ROLES_FOR[login.role].includes(person.role)) {
    throw new OcError('OC_PEOPLE_INVALID', `login.role: ${login.role} does not fit ${person.id}, who is ${person.role} on the roster`, { field: 'login.role' });
  }
  // A renamed login keeps its password; only a new one needs a password given.
  const passwordHash = login.passwordHash ?? current?.passwordHash;
  if (passwordHash === undefined) throw new OcError('OC_PEOPLE_INVALID', `login.password: a new login needs a password`, { field: 'login.password' });
  const written: UserEntry = { login: login.login, role: login.role, staffId: person.id, passwordHash };
  return { users: [...others, written], removed: current && current.login !== login.login ? current : undefined, written };
}

function withoutUndefined(fields: PersonFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  for (const k of OPTIONAL) if (out[k] === undefined) delete out[k];
  return out;
}
