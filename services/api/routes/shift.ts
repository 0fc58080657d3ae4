import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { staffShift } from '../../alerting/domain/dispatch/staff-shift.ts';
import { isActive } from '../../alerting/domain/tickets/index.ts';
import type { ApiContext } from '../api-context.ts';
import { actorOf } from '../auth/request-auth.ts';
import { slaFigures } from '../sla/sla-figures.ts';
import { ticketsForFiguresSince } from '../sla/ticket-window.ts';

const DAY_MS = 24 * 3_600_000;
const anyObject = Type.Object({}, { additionalProperties: true });
const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
const Span = Type.Object({ start: Type.Number(), end: Type.Number() });
const MyShift = Type.Object({
  now: Type.Number(),
  onDuty: Type.Boolean(),
  team: Type.Union([Type.Object({ id: Type.String(), name: Bilingual }), Type.Null()]),
  crewName: Type.Union([Bilingual, Type.Null()]),
  current: Type.Union([Span, Type.Null()]),
  next: Type.Union([Span, Type.Null()]),
  supervisor: Type.Union([Type.Object({ name: Bilingual, phone: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
});

/** The duty desk's shift view: who is on now, what each has open, and how the shift and the week went. */
export function shiftRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/shift',
    {
      config: { access: 'desk' },
      schema: {
        tags: ['roster'],
        summary: 'The shift in force, who is on duty per team with their open tickets, and SLA figures for this shift and the last 7 days',
        response: { 200: anyObject },
      },
    },
    async () => {
      const now = ctx.clock.now();
      const slot = ctx.planner.shiftAt(now);
      const schedule = ctx.roster.schedules.find((s) => s.id === slot.scheduleId);
      const crewName = schedule?.crews.find((c) => c.id === slot.crew)?.name ?? { zh: slot.crew, en: slot.crew };

      // The figures' tickets include every open one (in the store's order), so the open work is read from them.
      const tickets = ticketsForFiguresSince(ctx.store, Math.min(slot.startsAt, now - 7 * DAY_MS));
      const openWork = new Map<string, string[]>();
      for (const t of tickets) {
        if (!isActive(t.state) || t.assignment?.kind !== 'staff') continue;
        const list = openWork.get(t.assignment.staffId) ?? [];
        list.push(t.id);
        openWork.set(t.assignment.staffId, list);
      }
      const supervisor = ctx.planner.supervisorOnDuty(now);
      return {
        now,
        shift: { id: `${slot.scheduleId}/${slot.crew}/${new Date(slot.startsAt).toISOString()}`, scheduleId: slot.scheduleId, crew: slot.crew, crewName, start: slot.startsAt, end: slot.endsAt },
        supervisor: supervisor ? { staffId: supervisor.id, name: supervisor.name } : null,
        teams: ctx.roster.teams.map((team) => ({
          team: team.id,
          name: team.name,
          onDuty: ctx.planner.onDuty(now, team.id).map((m) => ({ staffId: m.id, name: m.name, role: m.role, phone: m.phone ?? null, openWork: openWork.get(m.id) ?? [] })),
        })),
        sla: {
          currentShift: { from: slot.startsAt, to: now, ...slaFigures(tickets, slot.startsAt, now + 1, now) },
          last7Days: { from: now - 7 * DAY_MS, to: now, ...slaFigures(tickets, now - 7 * DAY_MS, now + 1, now) },
        },
      };
    },
  );

  app.get(
    '/api/shift/mine',
    {
      schema: {
        tags: ['roster'],
        summary: "The signed-in person's place in the rota: on duty or not, their shift now or next, and the shift supervisor to call",
        response: { 200: MyShift },
      },
    },
    async (req) => {
      const now = ctx.clock.now();
      const me = ctx.roster.staff.find((m) => m.id === actorOf(req, ctx.roster).id);
      const mine = staffShift(ctx.planner, me?.id ?? '', now);
      const team = me ? ctx.planner.team(me.teamId) : undefined;
      const crews = ctx.roster.schedules.find((x) => x.id === me?.scheduleId)?.crews ?? [];
      const supervisor = ctx.planner.supervisorOnDuty(now);
      const span = (x: { startsAt: number; endsAt: number } | undefined) => (x ? { start: x.startsAt, end: x.endsAt } : null);
      return {
        now,
        onDuty: mine.onDuty,
        team: team ? { id: team.id, name: team.name } : null,
        crewName: crews.find((c) => c.id === me?.crew)?.name ?? null,
        current: span(mine.current),
        next: span(mine.next),
        // Whom to call with a question while nothing is dispatched: the one colleague's number staff are given.
        supervisor: supervisor ? { name: supervisor.name, phone: supervisor.phone ?? null } : null,
      };
    },
  );
}
