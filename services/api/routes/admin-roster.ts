/**
 * Shifts and the week's roster (issue 17): the shift patterns, who works each shift of a
 * week, a pattern edit, and a one-off swap of a shift between teammates. A roster that
 * leaves a 24h team without anyone on duty at some hour is accepted, with a warning.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ROSTER_ITEM } from '../../admin/config-bundle.ts';
import { weekRoster, withSchedulePatch, withSwap, withoutSwap } from '../../admin/shifts.ts';
import { effectiveRoster, type StoredRoster } from '../../admin/stored-roster.ts';
import { OcError } from '../../shared/errors.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { BilingualSchema, changeOf, IdParams, VersionField, WarningSchema, type ConfigAdminParts } from './admin-parts.ts';

const Crew = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), name: BilingualSchema }, { additionalProperties: false });
const SchedulePatch = Type.Object(
  {
    version: VersionField,
    name: Type.Optional(BilingualSchema),
    shiftHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, description: 'must divide 24' })),
    handover: Type.Optional(Type.String({ minLength: 4, maxLength: 5, description: 'local HH:MM' })),
    crews: Type.Optional(Type.Array(Crew, { minItems: 1, maxItems: 20 })),
    rotation: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 400, description: 'crew ids, one per shift, repeating' })),
  },
  { additionalProperties: false },
);
const Swap = Type.Object(
  {
    version: VersionField,
    scheduleId: Type.String({ minLength: 1, maxLength: 64 }),
    shiftStart: Type.String({ minLength: 16, maxLength: 16, description: "the shift's local start, 'YYYY-MM-DD HH:MM' (a handover)" }),
    off: Type.String({ minLength: 1, maxLength: 64, description: 'who stays home' }),
    on: Type.String({ minLength: 1, maxLength: 64, description: 'the teammate who works it instead' }),
  },
  { additionalProperties: false },
);
const SwapIndex = Type.Object({ index: Type.Integer({ minimum: 0, maximum: 10_000 }) });
const Unswap = Type.Object({ version: VersionField }, { additionalProperties: false });
const WeekQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ format: 'date-time', description: 'default: now' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 31, default: 7 })),
  },
  { additionalProperties: false },
);
const anyObject = Type.Object({}, { additionalProperties: true });
const EditAnswer = Type.Object({ version: Type.Integer({ description: "the roster's version after the change" }), warnings: Type.Array(WarningSchema), roster: anyObject });
const Shift = Type.Object({
  scheduleId: Type.String(),
  crew: Type.String(),
  startsAt: Type.Integer(),
  endsAt: Type.Integer(),
  shiftStart: Type.String(),
  staff: Type.Array(Type.Object({ id: Type.String(), name: BilingualSchema, teamId: Type.String(), swappedIn: Type.Boolean() })),
  swappedOut: Type.Array(Type.String()),
});

export function adminRosterRoutes(app: FastifyInstance, ctx: ApiContext, admin: ConfigAdminParts): void {
  const stored = () => {
    const item = admin.store.get<StoredRoster>(ROSTER_ITEM.kind, ROSTER_ITEM.id);
    if (!item) throw new OcError('OC_CONFIG_NOT_FOUND', 'the store holds no roster');
    return item;
  };
  const responses = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

  app.get<{ Querystring: Static<typeof WeekQuery> }>(
    '/api/roster/week',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Who works each shift of the week (swaps applied), the shift patterns, swaps and coverage warnings', querystring: WeekQuery, response: { 200: Type.Object({ version: Type.Integer(), from: Type.Integer(), schedules: Type.Array(anyObject), swaps: Type.Array(anyObject), shifts: Type.Array(Shift), warnings: Type.Array(WarningSchema) }) } } },
    async (req) => {
      const item = stored();
      const { roster, warnings } = effectiveRoster(item.value);
      const from = req.query.from ? Date.parse(req.query.from) : ctx.clock.now();
      return { version: item.version, from, schedules: [...roster.schedules], swaps: [...(roster.swaps ?? [])], shifts: weekRoster(roster, from, req.query.days ?? 7), warnings };
    },
  );

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof SchedulePatch> }>(
    '/api/roster/shifts/:id',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: "Edit a shift pattern (handover, length, crews, rotation); a gap in a 24h team's cover is a warning", params: IdParams, body: SchedulePatch, response: { 200: EditAnswer, ...responses } } },
    async (req) => {
      const { version, ...patch } = req.body;
      const { roster, warnings } = withSchedulePatch(stored().value, req.params.id, patch);
      return save(version, roster, warnings, req);
    },
  );

  app.post<{ Body: Static<typeof Swap> }>(
    '/api/roster/swap',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Swap one shift: `off` stays home, `on` (same team) works it; the rotation is unchanged', body: Swap, response: { 201: EditAnswer, ...responses } } },
    async (req, reply) => {
      const { version, ...swap } = req.body;
      const { roster, warnings } = withSwap(stored().value, swap);
      reply.status(201);
      return save(version, roster, warnings, req);
    },
  );

  app.delete<{ Params: Static<typeof SwapIndex>; Querystring: Static<typeof Unswap> }>(
    '/api/roster/swap/:index',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Undo a swap (by its place in the list)', params: SwapIndex, querystring: Unswap, response: { 200: EditAnswer, ...responses } } },
    async (req) => {
      const { roster, warnings } = withoutSwap(stored().value, req.params.index);
      return save(req.query.version, roster, warnings, req);
    },
  );

  async function save(version: number, roster: StoredRoster, warnings: ReturnType<typeof effectiveRoster>['warnings'], req: Parameters<typeof changeOf>[0]) {
    const item = admin.store.put(ROSTER_ITEM.kind, ROSTER_ITEM.id, roster, version, changeOf(req));
    await admin.applied(ROSTER_ITEM.kind, ROSTER_ITEM.id, item.version);
    return { version: item.version, warnings, roster: roster as unknown as Record<string, unknown> };
  }
}
