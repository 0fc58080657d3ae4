import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isOcError } from '../../shared/errors.ts';
import type { SeriesContext } from '../../telemetry/series-context.ts';
import type { TimeRange } from '../../timeseries/port.ts';
import { alignRange, windowCount } from '../../timeseries/windows.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Sensors report every 60 s, every 15 s when the water is high: a shorter window holds nothing more. */
const MIN_LEVEL_WINDOW_MS = 15_000;
/** Points on a ticket's chart; a longer range is downsampled to this many windows. */
const CHART_WINDOWS = 720;
const MAX_RANGE_HOURS = 24 * 31;

const Hours = (fallback: number) => Type.Integer({ minimum: 1, maximum: MAX_RANGE_HOURS, default: fallback, description: 'how many hours back from now' });
const LevelParams = Type.Object({ deviceId: Type.String({ minLength: 1 }) });
const LevelQuery = Type.Object({ hours: Hours(6), windows: Type.Integer({ minimum: 10, maximum: 1_000, default: 120, description: 'at most this many points on the chart' }) }, { additionalProperties: false });
const DeviceParams = Type.Object({ id: Type.String({ minLength: 1 }) });
const RangeQuery = Type.Object(
  { from: Type.Optional(Type.String({ format: 'date-time', description: 'default: 3 h before `to`' })), to: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })) },
  { additionalProperties: false },
);
const UptimeQuery = Type.Object({ hours: Hours(24), windowMinutes: Type.Integer({ minimum: 1, maximum: 60, default: 5, description: 'a device counts as up in a window with at least one heartbeat' }) }, { additionalProperties: false });
const Tag = Type.Optional(Type.String({ minLength: 1, maxLength: 128 }));
const EventsQuery = Type.Object({ hours: Hours(24), community: Tag, compound: Tag, building: Tag, place: Tag, device: Tag, kind: Tag, type: Tag }, { additionalProperties: false });

const ms = Type.Integer({ description: 'milliseconds since the epoch' });
const unavailableSchema = Type.Object({ code: Type.Literal('OC_TIMESERIES_UNAVAILABLE'), message: Type.String() });
const Thresholds = Type.Object({ depthMm: Type.Number(), warningPct: Type.Number(), criticalPct: Type.Number(), warningMm: Type.Number(), criticalMm: Type.Number() });
const LevelReply = Type.Object({
  deviceId: Type.String(),
  from: ms,
  to: ms,
  everyMs: Type.Integer(),
  thresholds: Thresholds,
  windows: Type.Array(Type.Object({ time: ms, meanMm: Type.Number(), maxMm: Type.Number() }), { description: 'windows without readings are left out (a gap in the chart)' }),
});
const DeviceLevelReply = Type.Object({
  deviceId: Type.String(),
  depthMm: Type.Number(),
  from: ms,
  to: ms,
  source: Type.Literal('timeseries'),
  everyMs: Type.Integer(),
  thresholds: Thresholds,
  points: Type.Array(Type.Object({ at: ms, levelMm: Type.Number({ description: 'mean over the window starting at `at`' }), maxMm: Type.Number() })),
});
const UptimeReply = Type.Object({
  from: ms,
  to: ms,
  everyMs: Type.Integer(),
  devices: Type.Array(
    Type.Object({
      deviceId: Type.String(),
      kind: Type.String(),
      availabilityPct: Type.Number({ description: 'share of windows with a heartbeat' }),
      lastHeartbeatAt: Type.Union([ms, Type.Null()]),
      uptimeS: Type.Union([Type.Integer(), Type.Null()], { description: "the agent's own uptime in its last heartbeat" }),
    }),
  ),
});
const EventsReply = Type.Object({ from: ms, to: ms, total: Type.Integer(), hours: Type.Array(Type.Object({ time: ms, count: Type.Integer() })) });

/**
 * The duty desk's charts, from the time-series store: a drain's level with the levels
 * its alerts fire at, device uptime from heartbeats, events per hour. Registered only
 * when the composition root gave the API a store (ApiContext.series).
 */
export const seriesRoutes: FastifyPluginAsync<{ ctx: ApiContext }> = async (app, { ctx }) => {
  const series: SeriesContext | undefined = ctx.series;
  if (!series) return;
  const common = { config: { access: 'desk' as const } };

  app.get<{ Params: Static<typeof LevelParams>; Querystring: Static<typeof LevelQuery> }>(
    '/api/series/drains/:deviceId/level',
    { ...common, schema: { tags: ['series'], summary: "A drain's level over the last hours, downsampled for a chart, with its warning and critical levels", params: LevelParams, querystring: LevelQuery, response: { 200: LevelReply, 400: errorSchema, 404: errorSchema, 503: unavailableSchema } } },
    async (req, reply) => {
      const { deviceId } = req.params;
      const thresholds = series.drainThresholds(deviceId);
      if (!thresholds) return sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no drain sensor ${deviceId}` });
      return answer(reply, async () => ({ deviceId, thresholds, ...(await levelWindows(series, deviceId, lastHours(ctx, req.query.hours), req.query.windows)) }));
    },
  );

  // The ticket page's chart asks here (services/web); with a store this route answers from
  // its long history; without a store, app.ts registers the fallback from the alerting rules' memory.
  app.get<{ Params: Static<typeof DeviceParams>; Querystring: Static<typeof RangeQuery> }>(
    '/api/devices/:id/level',
    { schema: { tags: ['devices'], summary: "A drain sensor's level between from and to, from the time-series store (mean and max per window)", params: DeviceParams, querystring: RangeQuery, response: { 200: DeviceLevelReply, 400: errorSchema, 404: errorSchema, 503: unavailableSchema } } },
    async (req, reply) => {
      const { id } = req.params;
      const thresholds = series.drainThresholds(id);
      if (!thresholds) return sendError(reply, { code: 'OC_API_NOT_FOUND', field: 'params.id', message: `no drain sensor ${id}` });
      const stop = req.query.to ? Date.parse(req.query.to) : ctx.clock.now();
      const start = req.query.from ? Date.parse(req.query.from) : stop - 3 * HOUR;
      if (start >= stop) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: 'querystring.from', message: 'querystring.from must be before querystring.to' });
      if (stop - start > MAX_RANGE_HOURS * HOUR) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: 'querystring.from', message: `at most ${MAX_RANGE_HOURS} hours at a time` });
      return answer(reply, async () => {
        const level = await levelWindows(series, id, { start, stop }, CHART_WINDOWS);
        return { deviceId: id, depthMm: thresholds.depthMm, from: level.from, to: level.to, source: 'timeseries' as const, everyMs: level.everyMs, thresholds, points: level.windows.map((w) => ({ at: w.time, levelMm: w.meanMm, maxMm: w.maxMm })) };
      });
    },
  );

  app.get<{ Querystring: Static<typeof UptimeQuery> }>(
    '/api/series/devices/uptime',
    { ...common, schema: { tags: ['series'], summary: 'Every device of the site: in what share of the windows it sent heartbeats, and its last one', querystring: UptimeQuery, response: { 200: UptimeReply, 400: errorSchema, 503: unavailableSchema } } },
    async (req, reply) => {
      const range = lastHours(ctx, req.query.hours);
      const everyMs = req.query.windowMinutes * MINUTE;
      if ((req.query.hours * HOUR) / everyMs > MAX_UPTIME_WINDOWS) {
        return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: 'querystring.windowMinutes', message: `${req.query.hours} h in ${req.query.windowMinutes}-minute windows is more than ${MAX_UPTIME_WINDOWS} windows; choose longer windows` });
      }
      return answer(reply, async () => {
        const rows = new Map((await series.reader.deviceUptime({ range, everyMs })).map((u) => [u.deviceId, u]));
        const aligned = alignRange(range, everyMs);
        const total = windowCount(aligned, everyMs);
        const devices = ctx.devices.map((d) => {
          const u = rows.get(d.id);
          return { deviceId: d.id, kind: d.kind, availabilityPct: u ? Math.round((u.windowsReporting / total) * 1000) / 10 : 0, lastHeartbeatAt: u?.lastHeartbeatAt ?? null, uptimeS: u?.uptimeS ?? null };
        });
        return { from: aligned.start, to: aligned.stop, everyMs, devices };
      });
    },
  );

  app.get<{ Querystring: Static<typeof EventsQuery> }>(
    '/api/series/events/hourly',
    { ...common, schema: { tags: ['series'], summary: 'Device events per hour, optionally for one place, device, kind or event type', querystring: EventsQuery, response: { 200: EventsReply, 400: errorSchema, 503: unavailableSchema } } },
    async (req, reply) => {
      const { hours, ...filters } = req.query;
      const tags = Object.fromEntries(Object.entries(filters).filter((e): e is [string, string] => typeof e[1] === 'string'));
      const range = lastHours(ctx, hours);
      return answer(reply, async () => {
        const counts = await series.reader.eventCounts({ range, everyMs: HOUR, tags });
        const aligned = alignRange(range, HOUR);
        return { from: aligned.start, to: aligned.stop, total: counts.reduce((sum, w) => sum + w.count, 0), hours: counts };
      });
    },
  );
};

const FIVE_MINUTES = 5 * MINUTE;
/** What the store answers in one query (services/timeseries/windows.ts), less one for alignment. */
const MAX_UPTIME_WINDOWS = 9_999;

/**
 * The window for a chart of `spanMs` in at most `maxWindows` points: whole seconds, at
 * least the sensors' fastest period, and beyond five minutes a whole number of 5-minute
 * windows, beyond an hour of hours. Those sizes are the embedded store's rollups, so a
 * chart of days or months is answered from them (and reaches back past raw retention).
 */
export function chartWindowMs(spanMs: number, maxWindows: number): number {
  const wanted = Math.max(MIN_LEVEL_WINDOW_MS, Math.ceil(spanMs / maxWindows / 1_000) * 1_000);
  if (wanted > HOUR) return Math.ceil(wanted / HOUR) * HOUR;
  if (wanted > FIVE_MINUTES) return Math.ceil(wanted / FIVE_MINUTES) * FIVE_MINUTES;
  return wanted;
}

/** A drain's level in at most `maxWindows` windows of whole seconds over the range. */
async function levelWindows(series: SeriesContext, deviceId: string, range: TimeRange, maxWindows: number) {
  const everyMs = chartWindowMs(range.stop - range.start, maxWindows);
  const windows = await series.reader.drainLevel({ deviceId, range, everyMs });
  const aligned = alignRange(range, everyMs);
  return { from: aligned.start, to: aligned.stop, everyMs, windows };
}

const lastHours = (ctx: ApiContext, hours: number) => {
  const stop = ctx.clock.now();
  return { start: stop - hours * HOUR, stop };
};

/** A store that cannot answer now is a 503 the desk can show as such; anything else goes to the API's error handler. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    // A range the store cannot answer (before 1970, too many windows) is the request's fault.
    if (isOcError(err, 'OC_TIMESERIES_QUERY_INVALID')) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: 'querystring', message: err.message });
    if (isOcError(err, 'OC_TIMESERIES_UNAVAILABLE')) {
      reply.log.warn({ err }, 'time-series store unavailable');
      return reply.status(503).send({ code: err.code, message: 'the time-series store does not answer; try again shortly' });
    }
    throw err;
  }
}
