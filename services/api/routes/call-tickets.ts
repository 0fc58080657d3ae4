import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { REPORT_CATALOGUE, REPORT_CATEGORIES } from '../../alerting/domain/reports/catalogue.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';
import { actorOf } from '../auth/request-auth.ts';
import { searchPlaces } from '../reports/places.ts';
import { peopleReport } from '../reports/people-figures.ts';
import { qrSheet } from '../reports/qr-sheet.ts';
import { maskPhone, reportCountOf, sourceOf } from '../reports/report-intake.ts';
import { sniffPhotoType } from '../reports/photo-clean.ts';
import type { ReportSetup } from '../reports/setup.ts';
import { TicketSchema } from './ticket-schema.ts';

const CallBody = Type.Object(
  {
    actionId: Type.String({ pattern: '^[A-Za-z0-9._:-]{8,100}$', description: 'client-generated (a UUID): a retry with the same id and body gets the first answer and opens one ticket' }),
    placeId: Type.String({ minLength: 1, maxLength: 64, description: 'a unit entrance or public point of the site (GET /api/report-places)' }),
    category: Type.Union(REPORT_CATEGORIES.map((c) => Type.Literal(c))),
    description: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }),
    callerName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    callerPhone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{3,20}$' })),
  },
  { additionalProperties: false },
);

/** Binary and HTML answers: documented by media type, so a client knows what comes back (the body is not JSON). */
const binary = { schema: { type: 'string', format: 'binary' } };
const photoReply = { description: 'the photo, as stored (metadata stripped)', content: { 'image/jpeg': binary, 'image/png': binary, 'image/webp': binary, 'application/octet-stream': binary } };
const htmlSheet = { description: 'the printable sheet', content: { 'text/html': { schema: { type: 'string' } } } };

const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
const PlaceSchema = Type.Object({ id: Type.String(), kind: Type.String(), name: Bilingual, buildingId: Type.Optional(Type.String()), compoundId: Type.String(), plan: Type.Optional(Type.Object({ x: Type.Number(), y: Type.Number() })) });
const ReportSchema = Type.Object({
  id: Type.String(),
  ticketId: Type.String(),
  source: Type.String(),
  category: Type.String(),
  placeId: Type.String(),
  description: Type.String(),
  createdAt: Type.Integer(),
  callerName: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String({ description: 'in full for the desk, masked for everyone else' })),
  photoIds: Type.Array(Type.String()),
  rating: Type.Optional(Type.Object({ stars: Type.Integer(), comment: Type.Optional(Type.String()), at: Type.Integer() })),
});

const FiguresSchema = Type.Object({ reports: Type.Integer(), rated: Type.Integer(), meanStars: Type.Union([Type.Number(), Type.Null()]), lowRatings: Type.Integer() });

/** Desk-logged calls (POST /api/tickets) and what the desk needs around people's reports. */
export function callTicketRoutes(app: FastifyInstance, ctx: ApiContext, r: ReportSetup): void {
  const placeById = new Map(r.places.map((p) => [p.id, p]));

  app.post<{ Body: Static<typeof CallBody> }>(
    '/api/tickets',
    {
      config: { access: 'desk' },
      schema: {
        tags: ['tickets'],
        summary: 'Log a call: open a ticket by hand (or join the open ticket of the same category at the place)',
        description: 'The category comes from the report catalogue (GET /api/report-catalogue) with its priority, team and SLA. A repeat of an actionId answers as the first time did.',
        body: CallBody,
        response: { 201: Type.Object({ ticket: TicketSchema, reportId: Type.String(), merged: Type.Boolean(), reportCount: Type.Integer() }), 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, ctx.roster);
      const { actionId, ...body } = req.body;
      const request = { action: 'log-call', actorId: actor.id, body };
      const seen = ctx.actions.lookup(actionId, request);
      if (seen.kind === 'reused') return sendError(reply, { code: 'OC_API_ACTION_ID_REUSED', field: 'body.actionId', message: `actionId ${actionId} was already used for a different request; send a new id` });
      if (seen.kind === 'repeat') return reply.status(seen.answer.status).header('idempotent-replayed', 'true').send(seen.answer.body);
      const place = placeById.get(body.placeId);
      if (!place) return sendError(reply, { code: 'OC_REPORT_UNKNOWN_PLACE', field: 'body.placeId', message: `body.placeId: no place ${body.placeId} on the site` });
      const done = await r.intake.submit({ source: 'call', category: body.category, place, description: body.description.trim(), callerName: body.callerName, phone: body.callerPhone, photos: [], actor });
      const ticket = ctx.store.getTicket(done.ticketId)!.ticket;
      const answer = { status: 201, body: { ticket, reportId: done.reportId, merged: done.merged, reportCount: reportCountOf(ticket, r.intake.reportsOf(ticket.id).length) } };
      ctx.actions.record(actionId, request, answer);
      return reply.status(201).send(answer.body);
    },
  );

  app.get(
    '/api/report-catalogue',
    { schema: { tags: ['tickets'], summary: 'The fixed, bilingual catalogue of report categories with default priority, team and SLA', response: { 200: Type.Object({ categories: Type.Array(Type.Object({}, { additionalProperties: true })) }) } } },
    async () => ({ categories: REPORT_CATEGORIES.map((c) => REPORT_CATALOGUE[c]) }),
  );

  app.get<{ Querystring: { q?: string } }>(
    '/api/report-places',
    {
      config: { access: 'desk' },
      schema: { tags: ['tickets'], summary: 'Places to log a call at: unit entrances and public points, searched in Chinese or English', querystring: Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), response: { 200: Type.Object({ places: Type.Array(PlaceSchema) }) } },
    },
    async (req) => ({ places: searchPlaces(r.places, req.query.q ?? '', 500).map((p) => ({ id: p.id, kind: p.kind, name: p.name, buildingId: p.buildingId, compoundId: p.compoundId, plan: p.plan })) }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/tickets/:id/reports',
    {
      schema: { tags: ['tickets'], summary: "People's reports on a ticket, with the source of the ticket and how many reports it has (a sensor counts as one)", params: Type.Object({ id: Type.String({ pattern: '^T\\d{8}-\\d{4,}$' }) }), response: { 200: Type.Object({ source: Type.String(), reportCount: Type.Integer(), reports: Type.Array(ReportSchema) }), 404: errorSchema } },
    },
    async (req, reply) => {
      const found = ctx.store.getTicket(req.params.id);
      if (!found) return sendError(reply, { code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${req.params.id}` });
      const desk = req.user!.role !== 'staff';
      const reports = r.intake.reportsOf(req.params.id).map((x) => ({ ...x, phone: desk ? x.phone : maskPhone(x.phone), callerName: desk ? x.callerName : undefined, rating: x.rating }));
      return { source: sourceOf(found.ticket), reportCount: reportCountOf(found.ticket, reports.length), reports };
    },
  );

  app.get<{ Params: { photoId: string } }>(
    '/api/report-photos/:photoId',
    { config: { access: 'desk' }, schema: { tags: ['tickets'], summary: "A reporter's photo (metadata stripped), for the desk", params: Type.Object({ photoId: Type.String({ pattern: '^P[A-Za-z0-9_-]{8,80}$' }) }), response: { 200: photoReply, 404: errorSchema } } },
    async (req, reply) => {
      const bytes = await r.intake.photos.get(req.params.photoId);
      if (!bytes) return sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no photo ${req.params.photoId}` });
      return reply.header('content-type', sniffPhotoType(bytes) ?? 'application/octet-stream').header('cache-control', 'private, no-store').send(bytes);
    },
  );

  app.get<{ Params: { buildingId: string } }>(
    '/api/qr-sheets/:buildingId',
    { config: { access: 'desk' }, schema: { tags: ['tickets'], summary: 'A printable HTML sheet of QR codes, one per entrance of the building, for residents to report from', params: Type.Object({ buildingId: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: htmlSheet, 404: errorSchema } } },
    async (req, reply) => {
      const entrances = r.places.filter((p) => p.buildingId === req.params.buildingId);
      const building = entrances[0]?.buildingName;
      if (!building) return sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no building ${req.params.buildingId}` });
      const base = `${req.protocol}://${req.host}`;
      return reply.type('text/html; charset=utf-8').send(await qrSheet(building, entrances, base));
    },
  );

  app.get(
    '/api/reports/people',
    {
      config: { access: 'manager' },
      schema: {
        tags: ['reports'],
        summary: "People's reports by category, by place and by source: counts, ratings and satisfaction (mean stars, 1–2 ratings)",
        response: { 200: Type.Object({ total: FiguresSchema, byCategory: Type.Record(Type.String(), FiguresSchema), byPlace: Type.Record(Type.String(), Type.Object({ ...FiguresSchema.properties, name: Type.Optional(Bilingual) })), bySource: Type.Record(Type.String(), FiguresSchema) }) },
      },
    },
    async () => peopleReport(r.intake.allReports(), r.places),
  );
}
