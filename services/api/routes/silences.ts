import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_TYPES, CATEGORIES } from '../../alerting/domain/model.ts';
import { validateSilence } from '../../alerting/domain/silences.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';
import { actorOf } from '../auth/request-auth.ts';

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
const silenceSchema = Type.Object(
  {
    id: Type.String(),
    matcher: Matcher,
    startsAt: Type.Integer({ description: 'ms since the epoch (the request gives ISO 8601)' }),
    endsAt: Type.Integer({ description: 'ms since the epoch; a silence ended early has the time it was ended' }),
    createdBy: Type.String({ description: 'roster id of who created it' }),
    reason: Type.String(),
  },
  { additionalProperties: true },
);
const heldSchema = Type.Object({
  fingerprint: Type.String(),
  alertType: Type.String(),
  priority: Type.String(),
  deviceId: Type.Optional(Type.String()),
  firedAt: Type.Integer({ description: 'ms since the epoch' }),
  summary: Type.Object({ zh: Type.String(), en: Type.String() }),
});
const listedSilenceSchema = Type.Composite([silenceSchema, Type.Object({ holding: Type.Array(heldSchema, { description: 'conditions this silence holds back now; each opens its ticket when the silence ends unless it clears first' }) })]);

/**
 * A matcher naming a device, compound or community the site does not have would silence
 * nothing while the desk believes the place is covered: a typo must be refused, not kept.
 */
function unknownPlace(ctx: ApiContext, m: Static<typeof Matcher>): { field: string; message: string } | undefined {
  if (m.deviceId !== undefined && !ctx.devices.some((d) => d.id === m.deviceId)) return { field: 'deviceId', message: `no device ${m.deviceId} at this site` };
  const communities = ctx.site.communities;
  if (m.communityId !== undefined && !communities.some((c) => c.id === m.communityId)) return { field: 'communityId', message: `no community ${m.communityId} at this site` };
  if (m.compoundId !== undefined && !communities.some((c) => c.compounds.some((p) => p.id === m.compoundId))) return { field: 'compoundId', message: `no compound ${m.compoundId} at this site` };
  return undefined;
}

/** Maintenance windows: the desk's business, created and ended by named people, never open-ended. */
export function silenceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/silences',
    { config: { access: 'desk' }, schema: { tags: ['silences'], summary: 'Active silences (all with ?all=true), each with the conditions it holds back', querystring: ListQuery, response: { 200: Type.Object({ silences: Type.Array(listedSilenceSchema) }) } } },
    async (req) => {
      const held = ctx.service.heldBySilences();
      const silences = ctx.store.listSilences(ctx.clock.now(), req.query.all === true);
      return { silences: silences.map((s) => ({ ...s, holding: held.filter((x) => x.silenceId === s.id).map(({ silenceId: _, ...rest }) => rest) })) };
    },
  );

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/silences',
    { config: { access: 'desk' }, schema: { tags: ['silences'], summary: 'Silence new tickets for a device, place or type for a while', body: CreateBody, response: { 201: silenceSchema, 400: errorSchema } } },
    async (req, reply) => {
      const unknown = unknownPlace(ctx, req.body.matcher);
      if (unknown) return sendError(reply, { code: 'OC_SILENCE_INVALID', field: `body.matcher.${unknown.field}`, message: `body.matcher.${unknown.field}: ${unknown.message}` });
      const actor = actorOf(req, ctx.roster);
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
      if (!result.ok) return sendError(reply, { code: 'OC_SILENCE_INVALID', field: `body.${result.error.field}`, message: `body.${result.error.field}: ${result.error.message}` });
      ctx.store.putSilence(result.silence);
      return reply.status(201).send(result.silence);
    },
  );

  app.delete<{ Params: Static<typeof SilenceId> }>(
    '/api/silences/:id',
    { config: { access: 'desk' }, schema: { tags: ['silences'], summary: 'End a silence now', params: SilenceId, response: { 204: Type.Null(), 404: errorSchema } } },
    async (req, reply) => {
      if (!ctx.store.expireSilence(req.params.id, ctx.clock.now())) return sendError(reply, { code: 'OC_SILENCE_NOT_FOUND', message: `no silence ${req.params.id}` });
      return reply.status(204).send();
    },
  );
}
