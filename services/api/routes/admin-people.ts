/**
 * People (issue 17): list, add, edit and disable the members of the roster and their logins.
 * A disabled person is out of dispatch as soon as alerting applied the change (the answer
 * waits for it), their open dispatches are back with the desk, and their sessions end.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { STAFF_ROLES } from '../../alerting/domain/dispatch/types.ts';
import { addPerson, findPerson, listPeople, patchPerson, withLogin, type PersonFields, type PersonPatch } from '../../admin/people.ts';
import type { StoredRoster } from '../../admin/stored-roster.ts';
import type { ConfigChange } from '../../config-store/port.ts';
import { OcError } from '../../shared/errors.ts';
import { ROSTER_ITEM } from '../../admin/config-bundle.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { hashPassword } from '../auth/password-hash.ts';
import { APP_ROLES } from '../auth/roles.ts';
import type { UserEntry } from '../auth/users-file.ts';
import { BilingualSchema, changeOf, IdParams, VersionField, WarningSchema, type ConfigAdminParts } from './admin-parts.ts';

const Role = Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)), { description: 'the roster role' });
const Phone = Type.String({ minLength: 3, maxLength: 20, description: 'personal data: masked in logs' });
const Email = Type.String({ minLength: 3, maxLength: 254, description: 'personal data: masked in logs' });
const LocalId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Login = Type.Object(
  {
    login: Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9][a-z0-9._-]{1,63}$' }),
    role: Type.Union(APP_ROLES.map((r) => Type.Literal(r)), { description: 'the role they sign in as; must fit the roster role' }),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 200, description: 'stored only as a scrypt hash; required for a new login' })),
  },
  { additionalProperties: false },
);
const NewPerson = Type.Object(
  {
    version: VersionField,
    id: LocalId,
    name: BilingualSchema,
    teamId: Type.String({ minLength: 1, maxLength: 64 }),
    role: Role,
    phone: Type.Optional(Phone),
    email: Type.Optional(Email),
    scheduleId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    crew: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    login: Type.Optional(Login),
  },
  { additionalProperties: false },
);
const nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Patch = Type.Object(
  {
    version: VersionField,
    name: Type.Optional(BilingualSchema),
    teamId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    role: Type.Optional(Role),
    phone: Type.Optional(nullable(Phone)),
    email: Type.Optional(nullable(Email)),
    scheduleId: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    crew: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    disabled: Type.Optional(Type.Boolean({ description: 'true: out of dispatch at once, open dispatches back to the desk, sessions ended' })),
    login: Type.Optional(Type.Union([Login, Type.Null()], { description: 'null removes the login' })),
  },
  { additionalProperties: false },
);
const PersonSchema = Type.Object(
  {
    id: Type.String(),
    name: BilingualSchema,
    teamId: Type.String(),
    role: Type.String(),
    phone: Type.Optional(Type.String()),
    email: Type.Optional(Type.String()),
    scheduleId: Type.Optional(Type.String()),
    crew: Type.Optional(Type.String()),
    disabled: Type.Boolean(),
    login: Type.Optional(Type.Object({ login: Type.String(), role: Type.String() })),
  },
  { additionalProperties: false },
);
const Answer = Type.Object({
  person: PersonSchema,
  version: Type.Integer({ description: "the roster's version after the change" }),
  warnings: Type.Array(WarningSchema),
  returnedToDesk: Type.Array(Type.String(), { description: 'tickets they held that went back to the desk' }),
});
const ListAnswer = Type.Object({ version: Type.Integer({ description: "the roster's version: send it with an edit" }), people: Type.Array(PersonSchema) });

export function adminPeopleRoutes(app: FastifyInstance, ctx: ApiContext, admin: ConfigAdminParts): void {
  const roster = () => {
    const item = admin.store.get<StoredRoster>(ROSTER_ITEM.kind, ROSTER_ITEM.id);
    if (!item) throw new OcError('OC_CONFIG_NOT_FOUND', 'the store holds no roster');
    return item;
  };
  const users = () => admin.store.list<UserEntry>('person').map((i) => i.value);
  const responses = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

  app.get('/api/people', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Everyone on the roster, disabled people too, with their logins', response: { 200: ListAnswer } } }, async () => {
    const r = roster();
    return { version: r.version, people: listPeople(r.value, users()) };
  });

  app.post<{ Body: Static<typeof NewPerson> }>(
    '/api/people',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Add a person to the roster (and a login); a gap in a 24h team is a warning', body: NewPerson, response: { 201: Answer, ...responses } } },
    async (req, reply) => {
      const { version, id, login, ...fields } = req.body;
      const current = roster();
      const { roster: next, warnings } = addPerson(current.value, id, fields as PersonFields);
      const logins = withLogin(users(), { id, role: fields.role }, login && { ...login, passwordHash: login.password ? await hashPassword(login.password) : undefined });
      const applied = await write(version, next, logins, req);
      reply.status(201);
      return { person: findPerson(next, logins.users, id), version: applied, warnings, returnedToDesk: [] };
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
    '/api/people/:id',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Edit or disable a person; disabling ends their sessions and returns their open dispatches to the desk', params: IdParams, body: Patch, response: { 200: Answer, ...responses } } },
    async (req) => {
      const { version, login, ...patch } = req.body;
      const id = req.params.id;
      const current = roster();
      const { roster: next, warnings } = patchPerson(current.value, id, patch as PersonPatch);
      const person = findPerson(next, users(), id);
      const logins = withLogin(users(), { id, role: person.role }, login === null ? null : login && { ...login, passwordHash: login.password ? await hashPassword(login.password) : undefined });
      const held = ctx.store.listTickets({ states: ['dispatched', 'on_site'], limit: 500 }).filter((t) => t.assignment?.kind === 'staff' && t.assignment.staffId === id);
      const applied = await write(version, next, logins, req);
      // Out of the roster: whatever login they had signs them in no longer, now.
      const theirLogin = users().find((u) => u.staffId === id)?.login ?? logins.removed?.login;
      if (person.disabled && theirLogin) ctx.auth.sessions.endAllOf(theirLogin);
      if (logins.removed) ctx.auth.sessions.endAllOf(logins.removed.login);
      const returned = person.disabled ? held.filter((t) => ctx.store.getTicket(t.id)?.ticket.assignment === undefined).map((t) => t.id) : [];
      return { person: findPerson(next, logins.users, id), version: applied, warnings, returnedToDesk: returned };
    },
  );

  /** The roster and the logins in one transaction; waits until alerting applied the roster. */
  async function write(version: number, next: StoredRoster, logins: ReturnType<typeof withLogin>, req: Parameters<typeof changeOf>[0]): Promise<number> {
    const changes: ConfigChange[] = [{ ...ROSTER_ITEM, expectedVersion: version, value: next }];
    if (logins.removed) changes.push({ kind: 'person', id: logins.removed.login, expectedVersion: admin.store.versionOf('person', logins.removed.login), value: null });
    if (logins.written) {
      const existing = admin.store.get('person', logins.written.login);
      changes.push({ kind: 'person', id: logins.written.login, expectedVersion: existing?.version ?? 0, value: logins.written });
    }
    const done = admin.store.apply(changes, changeOf(req));
    const rosterVersion = done.find((i) => i.kind === 'roster')!.version;
    await admin.applied(ROSTER_ITEM.kind, ROSTER_ITEM.id, rosterVersion);
    return rosterVersion;
  }
}
