import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_TYPES, CATEGORIES } from '../../alerting/domain/model.ts';
import { validateSilence } from '../../alerting/domain/silences.ts';
import { actorFrom, ACTOR_HEADER, type ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';

const Matcher = Type.Object(
  {
    deviceId: Type.Optional(Type.String({ minLength: 1 })),
    compoundId: Type.Optional(Type.String({ minLength: 1 })),
    communityId: Type.Optional(Type.String({ minLength: 1 })),
    alertType: Type.Optional(Type.Union(ALERT_TYPES.map((a) => Type.Literal(a)))),
    category: Type.Optional(Type.Union(CATEGORIES.map((c) => Type.Literal(c)))),
  },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  {
    matcher: Matcher,
    startsAt: Type.Optional(Type.String({ format: 'date-time' })),
    endsAt: Type.String({ format: 'date-time' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object({ all: Type.Optional(Type.Boolean({ description: 'include ended silences' })) }, { additionalProperties: false });
const SilenceId = Type.Object({ id: Type.String({ minLength: 1 }) });
const ActorHeaders = Type.Object({ [ACTOR_HEADER]: Type.String({ minLength: 1 }) });
const silenceSchema = Type.Object({}, { additionalProperties: true });

/** Maintenance windows: visible to everyone, created and ended by named people, never open-ended. */
export function silenceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/silences',
    { schema: { tags: ['silences'], summary: 'Active silences (all with ?all=true)', querystring: ListQuery, response: { 200: Type.Object({ silences: Type.Array(silenceSchema) }) } } },
    async (req) => ({ silences: ctx.store.listSilences(ctx.clock.now(), req.query.all === true) }),
  );

  app.post<{ Body: Static<typeof CreateBody>; Headers: Static<typeof ActorHeaders> }>(
    '/api/silences',
    { schema: { tags: ['silences'], summary: 'Silence new tickets for a device, place or type for a while', body: CreateBody, headers: ActorHeaders, response: { 201: silenceSchema, 400: errorSchema, 401: errorSchema } } },
    async (req, reply) => {
      const actor = actorFrom(ctx, req.headers[ACTOR_HEADER]);
      if (!actor || actor.kind !== 'person') return sendError(reply, { code: 'OC_API_UNKNOWN_ACTOR', field: `headers.${ACTOR_HEADER}`, message: `${ACTOR_HEADER} must name someone on the roster` });
      const now = ctx.clock.now();
      const result = validateSilence(
        {
          id: randomUUID(),
          matcher: req.body.matcher,
          ...(req.body.startsAt ? { startsAt: Date.parse(req.body.startsAt) } : {}),
          endsAt: Date.parse(req.body.endsAt),
          createdBy: actor.id,
          reason: req.body.reason,
        },
        now,
      );
      if (!result.ok) return sendError(reply, { code: 'OC_SILENCE_INVALID', field: `body.${result.error.field}`, message: `body.${result.error.field} ${result.error.message}` });
      ctx.store.putSilence(result.silence);
      return reply.status(201).send(result.silence);
    },
  );

  app.delete<{ Params: Static<typeof SilenceId>; Headers: Static<typeof ActorHeaders> }>(
    '/api/silences/:id',
    { schema: { tags: ['silences'], summary: 'End a silence now', params: SilenceId, headers: ActorHeaders, response: { 204: Type.Null(), 401: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      if (!actorFrom(ctx, req.headers[ACTOR_HEADER])) return sendError(reply, { code: 'OC_API_UNKNOWN_ACTOR', field: `headers.${ACTOR_HEADER}`, message: `${ACTOR_HEADER} must name someone on the roster` });
      if (!ctx.store.expireSilence(req.params.id, ctx.clock.now())) return sendError(reply, { code: 'OC_SILENCE_NOT_FOUND', message: `no silence ${req.params.id}` });
      return reply.status(204).send();
    },
  );
}
