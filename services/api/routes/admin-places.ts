/**
 * Places (issue 17): the site's buildings with their unit entrances (households and renters
 * per unit), and public points, with Chinese and English names and a position on the site
 * plan. A new building comes with at least one unit, so the site stays whole; every change
 * is checked by the site file's own schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { patchedPlace, placesToAdd, type PlaceInput, type PlacePatch } from '../../admin/places.ts';
import type { PlaceItem } from '../../config-store/items.ts';
import { siteItemsOf } from '../../config-store/site-items.ts';
import { PUBLIC_POINT_TYPES } from '../../site/schema.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { BilingualSchema, changeOf, IdParams, PlanPointSchema, PlanRectSchema, VersionField, type ConfigAdminParts } from './admin-parts.ts';

const LocalId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Count = Type.Integer({ minimum: 0, maximum: 100_000 });
const Entrance = Type.Object({ id: LocalId, name: BilingualSchema, households: Count, renters: Type.Optional(Count), plan: Type.Optional(PlanPointSchema) }, { additionalProperties: false });
const NewPlace = Type.Union([
  Type.Object(
    { type: Type.Literal('building'), id: LocalId, compoundId: Type.String({ minLength: 1, maxLength: 64 }), name: BilingualSchema, floors: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), plan: Type.Optional(PlanRectSchema), entrances: Type.Array(Entrance, { minItems: 1, maxItems: 50 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('entrance'), buildingId: Type.String({ minLength: 1, maxLength: 64 }), id: LocalId, name: BilingualSchema, households: Count, renters: Type.Optional(Count), plan: Type.Optional(PlanPointSchema) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Union(PUBLIC_POINT_TYPES.map((t) => Type.Literal(t))),
      id: LocalId,
      compoundId: Type.String({ minLength: 1, maxLength: 64 }),
      name: BilingualSchema,
      depthMm: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000, description: 'manholes: cover to invert' })),
      note: Type.Optional(BilingualSchema),
      plan: Type.Optional(PlanPointSchema),
    },
    { additionalProperties: false },
  ),
]);
const Patch = Type.Object(
  {
    version: VersionField,
    name: Type.Optional(BilingualSchema),
    plan: Type.Optional(Type.Union([PlanPointSchema, PlanRectSchema, Type.Null()])),
    floors: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 200 }), Type.Null()])),
    households: Type.Optional(Count),
    renters: Type.Optional(Type.Union([Count, Type.Null()])),
    depthMm: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    note: Type.Optional(Type.Union([BilingualSchema, Type.Null()])),
  },
  { additionalProperties: false },
);
const Place = Type.Object({ id: Type.String(), version: Type.Integer(), type: Type.String(), compoundId: Type.String() }, { additionalProperties: true });
const responses = { 400: errorSchema, 404: errorSchema, 409: errorSchema };

export function adminPlaceRoutes(app: FastifyInstance, _ctx: ApiContext, admin: ConfigAdminParts): void {
  const items = () => siteItemsOf((kind) => admin.store.list(kind));
  const answer = (id: string) => {
    const item = admin.store.get<PlaceItem>('place', id)!;
    return { id, version: item.version, ...item.value };
  };

  app.get('/api/places', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Every building, unit entrance and public point, with its version', response: { 200: Type.Object({ places: Type.Array(Place) }) } } }, async () => ({
    places: admin.store.list<PlaceItem>('place').map((i) => ({ id: i.id, version: i.version, ...i.value })),
  }));

  app.post<{ Body: Static<typeof NewPlace> }>(
    '/api/places',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Add a building (with its units), a unit entrance or a public point', body: NewPlace, response: { 201: Type.Object({ places: Type.Array(Place) }), ...responses } } },
    async (req, reply) => {
      const added = placesToAdd(items(), req.body as PlaceInput);
      const done = admin.store.apply([...added].map(([id, value]) => ({ kind: 'place' as const, id, expectedVersion: 0, value })), changeOf(req));
      await Promise.all(done.map((i) => admin.applied('place', i.id, i.version)));
      reply.status(201);
      return { places: [...added.keys()].map(answer) };
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
    '/api/places/:id',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Rename, move on the plan, or change the households and renters of a place', params: IdParams, body: Patch, response: { 200: Place, ...responses } } },
    async (req) => {
      const { version, ...patch } = req.body;
      const next = patchedPlace(items(), req.params.id, patch as PlacePatch);
      const item = admin.store.put('place', req.params.id, next, version, changeOf(req));
      await admin.applied('place', item.id, item.version);
      return answer(item.id);
    },
  );
}
