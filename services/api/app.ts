import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../shared/logger.ts';
import type { ApiContext } from './api-context.ts';
import { apiErrorHandler, errorSchema, sendError } from './api-errors.ts';
import { installAuth } from './auth/request-auth.ts';
import type { Access } from './auth/roles.ts';
import { LiveStream } from './live-stream.ts';
import { deviceRoutes } from './routes/devices.ts';
import { reportRoutes } from './routes/reports.ts';
import { rosterRoutes } from './routes/roster.ts';
import { seriesRoutes } from './routes/series.ts';
import { sessionRoutes } from './routes/session.ts';
import { shiftRoutes } from './routes/shift.ts';
import { alertRoutes } from './routes/alerts.ts';
import { silenceRoutes } from './routes/silences.ts';
import { drainLevelFallbackRoute, sitePlanRoutes } from './routes/site-plan.ts';
import { streamRoutes } from './routes/stream.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { pushDeviceRoutes } from './routes/push-devices.ts';
import { callTicketRoutes } from './routes/call-tickets.ts';
import { deskCallPageRoutes, residentReportRoutes } from './routes/resident-reports.ts';
import type { ReportIntake } from './reports/report-intake.ts';
import { drainLevelsFromAlerting } from './site-plan/drain-levels.ts';
import { schemaController } from './validator-compilers.ts';
import { clientErrorHandler, frameworkErrors } from './hardening/framework-errors.ts';
import { checkOrigin } from './hardening/origin-check.ts';
import { webAssets } from './web-assets.ts';
import { adminDeviceRoutes } from './routes/admin-devices.ts';
import { auditRoutes } from './routes/audit.ts';
import { adminPeopleRoutes } from './routes/admin-people.ts';
import { adminRosterRoutes } from './routes/admin-roster.ts';
import { adminRulesRoutes } from './routes/admin-rules.ts';
import { adminPlaceRoutes } from './routes/admin-places.ts';
import { configTransferRoutes } from './routes/config-transfer.ts';
import { provisioningRoutes } from './routes/provisioning.ts';

export interface Api {
  app: FastifyInstance;
  live: LiveStream;
  /** People's reports, for the retention sweep and tests. */
  reports?: ReportIntake;
}

/** The REST API with its OpenAPI document and the live stream; listening is the caller's business. */
export async function buildApi(ctx: ApiContext, logger: Logger): Promise<Api> {
  // Per-request lines would drown the desk's logs (the live stream alone reconnects all day);
  // warnings and errors still show. The cast only drops pino's extra generics.
  const app: FastifyInstance = Fastify({
    loggerInstance: logger.child({}, { level: logger.isLevelEnabled('warn') ? 'warn' : logger.level }) as FastifyBaseLogger,
    schemaController,
    // Refusals of the router and of Node's HTTP parser answer with catalogued codes too (issue 13).
    frameworkErrors,
    clientErrorHandler,
  });
  checkOrigin(app);
  const live = new LiveStream();
  await app.register(swagger, {
    openapi: {
      info: { title: 'OpenCompound API', version: '0.1.0', description: 'Tickets, silences, roster, devices and the live stream of the duty desk.' },
      tags: [{ name: 'session' }, { name: 'tickets' }, { name: 'silences' }, { name: 'roster' }, { name: 'devices' }, { name: 'reports' }, { name: 'live' }, { name: 'resident reports' }, { name: 'admin' }],
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'oc_session' } } },
      security: [{ session: [] }],
    },
  });
  documentAccessAnswers(app);
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler((req, reply) => sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no route ${req.method} ${req.url}` }));
  await installAuth(app, ctx.auth);

  sessionRoutes(app, { ...ctx.auth, onSignOut: (sessionId) => live.closeSession(sessionId) });
  ticketRoutes(app, ctx);
  silenceRoutes(app, ctx);
  alertRoutes(app, ctx);
  rosterRoutes(app, ctx);
  deviceRoutes(app, ctx);
  const drainLevels = drainLevelsFromAlerting(ctx.store);
  sitePlanRoutes(app, ctx, drainLevels);
  shiftRoutes(app, ctx);
  reportRoutes(app, ctx);
  streamRoutes(app, ctx, live);
  if (ctx.receipts) deliveryRoutes(app, ctx, ctx.receipts, live);
  if (ctx.pushDevices) pushDeviceRoutes(app, ctx, ctx.pushDevices);
  await app.register(seriesRoutes, { ctx });
  if (ctx.admin) {
    adminDeviceRoutes(app, ctx, ctx.admin);
    provisioningRoutes(app, ctx.admin);
    auditRoutes(app, ctx.admin);
    adminPeopleRoutes(app, ctx, ctx.admin);
    adminRosterRoutes(app, ctx, ctx.admin);
    adminRulesRoutes(app, ctx, ctx.admin);
    adminPlaceRoutes(app, ctx, ctx.admin);
    configTransferRoutes(app, ctx, ctx.admin);
  }
  if (ctx.reports) {
    callTicketRoutes(app, ctx, ctx.reports);
    await residentReportRoutes(app, ctx, ctx.reports);
    await deskCallPageRoutes(app, ctx, ctx.reports);
  }
  // Without a time-series store, the ticket's chart reads what the alerting rules remember.
  if (!ctx.series) drainLevelFallbackRoute(app, ctx, drainLevels);
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
  // ok is false while a log consumer is stuck on a record: tickets or points are waiting behind it.
  app.get('/api/health', { config: { access: 'public' }, schema: { hide: true } }, async () => {
    const consumers = ctx.health?.snapshot() ?? [];
    return { ok: consumers.every((c) => c.state !== 'stuck'), consumers: consumers.map(({ consumer, state, record, deadLettered }) => ({ consumer, state, record, deadLettered })) };
  });
  await webAssets(app);

  const onTicket = (ticket: unknown, entries: unknown) => live.broadcast('ticket', { ticket, entries });
  const onDevice = (status: unknown) => live.broadcast('device', status);
  const onAlert = (alert: unknown) => live.broadcast('alert', alert);
  ctx.service.changes.on('ticket', onTicket);
  ctx.service.changes.on('device', onDevice);
  ctx.service.changes.on('alert', onAlert);
  // Streams never end by themselves: end them first, or close() would wait for ever.
  app.addHook('preClose', async () => {
    ctx.service.changes.off('ticket', onTicket);
    ctx.service.changes.off('device', onDevice);
    ctx.service.changes.off('alert', onAlert);
    live.close();
  });
  return { app, live, ...(ctx.reports ? { reports: ctx.reports.intake } : {}) };
}

const ACCESS_WHO: Record<Exclude<Access, 'public' | 'signed-in'>, string> = {
  desk: 'duty desk (operator, manager, admin)',
  manager: 'manager (and admin)',
  admin: 'admin',
};

/**
 * The sign-in hook answers 401 on every route that is not public and 403 where the role
 * does not reach the route; the OpenAPI document says so on each such route, so a client
 * generated from it expects them (routes that state their own keep them).
 */
function documentAccessAnswers(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const access = (route.config as { access?: Access } | undefined)?.access ?? 'signed-in';
    if (!route.url.startsWith('/api/') || !route.schema || route.schema.hide) return;
    const response = (route.schema.response ?? {}) as Record<string, unknown>;
    // Any route that takes input answers a bad field with a 400 naming it (schemathesis found it undocumented).
    const takesInput = route.schema.querystring !== undefined || route.schema.params !== undefined || route.schema.body !== undefined;
    const invalid = takesInput ? { 400: { ...errorSchema, description: 'a request field is invalid; `field` names it' } } : {};
    // The router refuses a path parameter longer than it allows (URL-encoded) before any hook runs.
    if (route.schema.params !== undefined) Object.assign(invalid, { 414: { ...errorSchema, description: 'a path parameter is longer than the server accepts' } });
    if (access === 'public') {
      route.schema.response = { ...invalid, ...response };
      return;
    }
    route.schema.response = {
      ...invalid,
      401: { ...errorSchema, description: 'not signed in, or the session ended' },
      ...(access === 'signed-in' ? {} : { 403: { ...errorSchema, description: `only for the ${ACCESS_WHO[access]}` } }),
      ...response,
    };
  });
}
