import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CATEGORIES, PRIORITIES, type Bilingual } from '../../alerting/domain/model.ts';
import type { SiteConfig } from '../../site/schema.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { slaFigures } from '../sla/sla-figures.ts';
import { ticketsForFiguresSince } from '../sla/ticket-window.ts';

const DAY_MS = 24 * 3_600_000;
const TROUBLE_SPOTS = 10;
const ReportQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 7 })) }, { additionalProperties: false });
const anyObject = Type.Object({}, { additionalProperties: true });

/**
 * The property manager's report: SLA figures per day, category and priority, and
 * the places that keep making tickets. Manager only: the one view staff and the
 * duty desk cannot open.
 */
export function reportRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof ReportQuery> }>(
    '/api/reports/sla',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports'],
        summary: 'SLA figures for the last `days` local days (default 7): per day, per category, per priority, and the recurring trouble spots',
        querystring: ReportQuery,
        response: { 200: anyObject, 400: errorSchema },
      },
    },
    async (req) => {
      const now = ctx.clock.now();
      const days = req.query.days ?? 7;
      const offsetMs = localOffsetMs(ctx);
      // Local days, today included: the manager reads "Tuesday", not "the 24 h before 14:05".
      const todayStart = Math.floor((now + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
      const from = todayStart - (days - 1) * DAY_MS;
      const to = now + 1;
      const tickets = ticketsForFiguresSince(ctx.store, from);
      const openedInPeriod = tickets.filter((t) => t.openedAt >= from && t.openedAt < to);
      const placeNames = placeNamesOf(ctx.site);

      const spots = new Map<string, { compoundId: string; placeId: string; tickets: number; byAlertType: Record<string, number> }>();
      for (const t of openedInPeriod) {
        const placeId = t.subject.placeId;
        if (placeId === undefined) continue;
        const key = `${t.subject.compoundId}/${placeId}`;
        const spot = spots.get(key) ?? { compoundId: t.subject.compoundId, placeId, tickets: 0, byAlertType: {} };
        spot.tickets += 1;
        spot.byAlertType[t.alertType] = (spot.byAlertType[t.alertType] ?? 0) + 1;
        spots.set(key, spot);
      }

      return {
        period: { from, to: now, days },
        total: slaFigures(tickets, from, to, now),
        byDay: Array.from({ length: days }, (_, i) => {
          const start = from + i * DAY_MS;
          const end = Math.min(start + DAY_MS, to);
          return { date: new Date(start + offsetMs).toISOString().slice(0, 10), from: start, to: end, ...slaFigures(tickets, start, end, now) };
        }),
        byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, slaFigures(tickets.filter((t) => t.category === c), from, to, now)])),
        byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, slaFigures(tickets.filter((t) => t.openedPriority === p), from, to, now)])),
        troubleSpots: [...spots.values()]
          .sort((a, b) => b.tickets - a.tickets || a.placeId.localeCompare(b.placeId))
          .slice(0, TROUBLE_SPOTS)
          .map((s) => ({ ...s, name: placeNames.get(`${s.compoundId}/${s.placeId}`) ?? { zh: s.placeId, en: s.placeId } })),
      };
    },
  );
}

/** The site's local time, from the supervision schedule (China: UTC+8, no daylight saving). */
function localOffsetMs(ctx: ApiContext): number {
  const schedule = ctx.roster.schedules.find((s) => s.id === ctx.roster.supervision.scheduleId);
  return (schedule?.utcOffsetMin ?? 0) * 60_000;
}

function placeNamesOf(site: SiteConfig): Map<string, Bilingual> {
  const names = new Map<string, Bilingual>();
  for (const community of site.communities) {
    for (const c of community.compounds) {
      for (const b of c.buildings) {
        names.set(`${c.id}/${b.id}`, b.name);
        for (const e of b.entrances) names.set(`${c.id}/${e.id}`, { zh: `${b.name.zh}${e.name.zh}`, en: `${b.name.en} ${e.name.en}` });
      }
      for (const p of c.publicPoints) names.set(`${c.id}/${p.id}`, p.name);
    }
  }
  return names;
}
