import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { actorOf } from '../auth/request-auth.ts';

const AtQuery = Type.Object({ at: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })) }, { additionalProperties: false });
const anyObject = Type.Object({}, { additionalProperties: true });

export function rosterRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/roster',
    { schema: { tags: ['roster'], summary: 'Teams, staff, partner departments and who owns which category', response: { 200: anyObject } } },
    async (req) => {
      const r = ctx.roster;
      // Phone numbers are for the desk, who dispatches and calls; staff see only their own.
      const me = req.user?.role === 'staff' ? actorOf(req, r).id : undefined;
      // E-mail addresses are personal data like phones: the same rule.
      const staff = me === undefined ? r.staff : r.staff.map(({ phone, email, ...s }) => (s.id === me ? { ...s, ...(phone !== undefined ? { phone } : {}), ...(email !== undefined ? { email } : {}) } : s));
      return { teams: r.teams, staff, departments: r.departments, station: r.station, responsibilities: r.responsibilities, schedules: r.schedules, managerId: r.managerId };
    },
  );

  app.get<{ Querystring: Static<typeof AtQuery> }>(
    '/api/roster/on-duty',
    { config: { access: 'desk' }, schema: { tags: ['roster'], summary: 'Who is on duty, per team, with open work', querystring: AtQuery, response: { 200: anyObject } } },
    async (req) => {
      const at = req.query.at ? Date.parse(req.query.at) : ctx.clock.now();
      const loads = new Map<string, number>();
      for (const t of ctx.store.listTickets({ states: ['dispatched', 'on_site'], limit: 500 })) {
        if (t.assignment?.kind === 'staff') loads.set(t.assignment.staffId, (loads.get(t.assignment.staffId) ?? 0) + 1);
      }
      const teams = ctx.roster.teams.map((team) => ({
        teamId: team.id,
        name: team.name,
        onDuty: ctx.planner.onDuty(at, team.id).map((s) => ({ ...s, openWork: loads.get(s.id) ?? 0 })),
      }));
      return { at, shift: ctx.planner.shiftAt(at), supervisor: ctx.planner.supervisorOnDuty(at) ?? null, manager: ctx.planner.manager(), teams };
    },
  );
}
