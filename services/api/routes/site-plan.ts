import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OPEN_STATES } from '../../alerting/store/alerting-store.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';
import type { DrainLevelSource } from '../site-plan/drain-levels.ts';
import { buildSitePlan } from '../site-plan/site-plan.ts';

const anyObject = Type.Object({}, { additionalProperties: true });
/** More open tickets than this on one site is a storm the plan need not count exactly. */
const OPEN_TICKETS_COUNTED = 5_000;

export function sitePlanRoutes(app: FastifyInstance, ctx: ApiContext, levels: DrainLevelSource): void {
  app.get(
    '/api/site/plan',
    {
      schema: {
        tags: ['devices'],
        summary: 'The place tree with plan geometry, and each device with status, open tickets and the last drain level',
        response: { 200: anyObject },
      },
    },
    async () => {
      const drains = ctx.devices.filter((d) => d.kind === 'drain').map((d) => d.id);
      const last = new Map<string, [number, number]>();
      for (const [id, readings] of levels.readings(drains)) {
        const newest = readings[readings.length - 1];
        if (newest) last.set(id, newest);
      }
      return buildSitePlan({
        site: ctx.site,
        devices: ctx.devices,
        statuses: ctx.store.deviceStatuses(),
        openTickets: ctx.store.listTickets({ states: OPEN_STATES, limit: OPEN_TICKETS_COUNTED }).map((t) => ({ deviceId: t.subject.deviceId, alertType: t.alertType, category: t.category, priority: t.priority })),
        drainLevels: last,
      });
    },
  );
}

const LevelParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const LevelQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 3 h before `to`' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now, and readings stamped later by a fast device clock are included' })),
  },
  { additionalProperties: false },
);
const LEVEL_WINDOW_MS = 3 * 3_600_000;

/**
 * GET /api/devices/:id/level from what the alerting rules remember, for the
 * ticket's chart, when the API has no time-series store; with one, the time-series
 * routes (services/api/routes/series.ts, issue 7) answer this with the long history.
 */
export function drainLevelFallbackRoute(app: FastifyInstance, ctx: ApiContext, levels: DrainLevelSource): void {
  app.get<{ Params: Static<typeof LevelParams>; Querystring: Static<typeof LevelQuery> }>(
    '/api/devices/:id/level',
    {
      schema: {
        tags: ['devices'],
        summary: 'A drain sensor’s level readings between from and to (the last ~3 h the alerting rules keep)',
        params: LevelParams,
        querystring: LevelQuery,
        response: { 200: anyObject, 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const device = ctx.devices.find((d) => d.id === req.params.id);
      if (!device || device.kind !== 'drain') return sendError(reply, { code: 'OC_API_NOT_FOUND', field: 'params.id', message: `no drain sensor ${req.params.id}` });
      const to = req.query.to ? Date.parse(req.query.to) : ctx.clock.now();
      const from = req.query.from ? Date.parse(req.query.from) : to - LEVEL_WINDOW_MS;
      if (from > to) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: 'querystring.from', message: 'querystring.from must not be after querystring.to' });
      // Readings carry device time: without an explicit `to`, one stamped a little ahead of ours still counts.
      const upTo = req.query.to ? to : Number.POSITIVE_INFINITY;
      const readings = levels.readings([device.id]).get(device.id) ?? [];
      return {
        deviceId: device.id,
        depthMm: device.depthMm ?? null,
        from,
        to,
        source: 'alerting',
        points: readings.filter(([at]) => at >= from && at <= upTo).map(([at, levelMm]) => ({ at, levelMm })),
      };
    },
  );
}
