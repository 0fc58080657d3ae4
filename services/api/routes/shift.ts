import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isActive } from '../../alerting/domain/tickets/index.ts';
import type { ApiContext } from '../api-context.ts';
import { slaFigures } from '../sla/sla-figures.ts';
import { ticketsForFiguresSince } from '../sla/ticket-window.ts';

const DAY_MS = 24 * 3_600_000;
const anyObject = Type.Object({}, { additionalProperties: true });

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
}
