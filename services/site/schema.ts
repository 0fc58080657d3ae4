import { z } from 'zod';
import { DEVICE_KINDS } from '../shared/envelope.ts';
import { DEVICE_ID_PATTERN } from '../shared/topics.ts';

/** Names are bilingual throughout: the desk works in Chinese, the code and some staff in English. */
const name = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const localId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');

/** Plan coordinates: metres in the compound's local frame, x east and y north from its south-west corner. */
const planPoint = z.object({ x: z.number(), y: z.number() }).strict();

const entrance = z
  .object({
    id: localId,
    name,
    households: z.number().int().nonnegative(),
    /** Households of the unit that rent (the desk's and the police station's business in an open compound). */
    renters: z.number().int().nonnegative().optional(),
    /** The door on the plan; on or beside its building's outline. */
    plan: planPoint.optional(),
  })
  .strict();

const building = z
  .object({
    id: localId,
    name,
    floors: z.number().int().positive().optional(),
    households: z.number().int().nonnegative(),
    entrances: z.array(entrance).min(1),
    /** Position on the compound plan, in metres from the south-west corner. */
    plan: z.object({ x: z.number(), y: z.number(), w: z.number().positive(), h: z.number().positive() }).strict().optional(),
  })
  .strict();

export const PUBLIC_POINT_TYPES = ['gate', 'lane', 'parking', 'manhole', 'square'] as const;

const publicPoint = z
  .object({
    id: localId,
    type: z.enum(PUBLIC_POINT_TYPES),
    name,
    /** Manholes only: depth from cover to invert, to turn distance readings into a level. */
    depthMm: z.number().int().positive().optional(),
    /** What drains into it, e.g. the restaurant whose grease blocks it. */
    note: name.optional(),
    plan: planPoint.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.type === 'manhole' && p.depthMm === undefined) {
      ctx.addIssue({ code: 'custom', path: ['depthMm'], message: 'is required for a manhole' });
    }
  });

const device = z
  .object({
    id: z.string().regex(DEVICE_ID_PATTERN, 'must be 3..64 lower-case letters, digits and dashes'),
    kind: z.enum(DEVICE_KINDS),
    /** Id of the unit entrance or public point where the device is mounted. */
    at: localId,
    name: name.optional(),
    model: z.string().optional(),
  })
  .strict();

const compound = z
  .object({
    id: localId,
    name,
    households: z.number().int().nonnegative(),
    /** Share of households that rent; informs the desk, not the rules. */
    renterShare: z.number().min(0).max(1).optional(),
    /** Extent of the plan: everything placed on it lies within w × h metres. */
    plan: z.object({ w: z.number().positive(), h: z.number().positive() }).strict().optional(),
    buildings: z.array(building).min(1),
    publicPoints: z.array(publicPoint).default([]),
    devices: z.array(device).default([]),
  })
  .strict();

const community = z.object({ id: localId, name, compounds: z.array(compound) }).strict();

export const siteSchema = z
  .object({
    version: z.literal(1),
    subdistrict: z.object({ id: localId, name }).strict(),
    communities: z.array(community).min(1),
  })
  .strict()
  .superRefine(checkReferences);

export type SiteConfig = z.infer<typeof siteSchema>;
export type SiteCompound = SiteConfig['communities'][number]['compounds'][number];
export type SiteDevice = SiteCompound['devices'][number];
export type SitePublicPoint = SiteCompound['publicPoints'][number];
export type SiteBuilding = SiteCompound['buildings'][number];

/** Cross-references zod cannot express field by field: unique ids, `at` targets, household totals. */
function checkReferences(site: { communities: z.infer<typeof community>[] }, ctx: z.RefinementCtx): void {
  const deviceIds = new Set<string>();
  site.communities.forEach((c, ci) =>
    c.compounds.forEach((compound, pi) => {
      const base = ['communities', ci, 'compounds', pi];
      const places = new Set<string>();
      const addPlace = (id: string, path: (string | number)[]) => {
        if (places.has(id)) ctx.addIssue({ code: 'custom', path: [...base, ...path, 'id'], message: `duplicate place id '${id}'` });
        places.add(id);
      };
      compound.buildings.forEach((b, bi) => {
        addPlace(b.id, ['buildings', bi]);
        b.entrances.forEach((e, ei) => addPlace(e.id, ['buildings', bi, 'entrances', ei]));
        b.entrances.forEach((e, ei) => {
          if (e.renters !== undefined && e.renters > e.households) {
            ctx.addIssue({ code: 'custom', path: [...base, 'buildings', bi, 'entrances', ei, 'renters'], message: `is ${e.renters} but the unit has ${e.households} households` });
          }
          if (e.plan && b.plan && !nearRectangle(e.plan, b.plan, ENTRANCE_REACH_M)) {
            ctx.addIssue({ code: 'custom', path: [...base, 'buildings', bi, 'entrances', ei, 'plan'], message: `is more than ${ENTRANCE_REACH_M} m from building ${b.id}` });
          }
        });
        const sum = b.entrances.reduce((n, e) => n + e.households, 0);
        if (sum !== b.households) {
          ctx.addIssue({ code: 'custom', path: [...base, 'buildings', bi, 'households'], message: `is ${b.households} but its entrances add up to ${sum}` });
        }
      });
      compound.publicPoints.forEach((p, i) => addPlace(p.id, ['publicPoints', i]));
      checkPlanExtent(compound, base, ctx);
      const total = compound.buildings.reduce((n, b) => n + b.households, 0);
      if (total !== compound.households) {
        ctx.addIssue({ code: 'custom', path: [...base, 'households'], message: `is ${compound.households} but its buildings add up to ${total}` });
      }
      compound.devices.forEach((d, di) => {
        if (deviceIds.has(d.id)) ctx.addIssue({ code: 'custom', path: [...base, 'devices', di, 'id'], message: `duplicate device id '${d.id}'` });
        deviceIds.add(d.id);
        if (!places.has(d.at)) ctx.addIssue({ code: 'custom', path: [...base, 'devices', di, 'at'], message: `unknown place '${d.at}'` });
        const point = compound.publicPoints.find((p) => p.id === d.at);
        if (d.kind === 'drain' && point?.type !== 'manhole') {
          ctx.addIssue({ code: 'custom', path: [...base, 'devices', di, 'at'], message: 'a drain sensor must be at a manhole' });
        }
      });
    }),
  );
}

/** How far from its building's outline an entrance may be drawn (a porch, a stair). */
const ENTRANCE_REACH_M = 5;

type Rect = { x: number; y: number; w: number; h: number };

const nearRectangle = (p: { x: number; y: number }, r: Rect, reach: number): boolean =>
  p.x >= r.x - reach && p.x <= r.x + r.w + reach && p.y >= r.y - reach && p.y <= r.y + r.h + reach;

/** With an extent given, every building, entrance and point must fall inside it, or the plan would clip them. */
function checkPlanExtent(c: z.infer<typeof compound>, base: (string | number)[], ctx: z.RefinementCtx): void {
  const extent = c.plan;
  if (!extent) return;
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x <= extent.w && y <= extent.h;
  const outside = (path: (string | number)[]) => ctx.addIssue({ code: 'custom', path: [...base, ...path, 'plan'], message: `lies outside the compound plan (${extent.w} × ${extent.h} m)` });
  c.buildings.forEach((b, bi) => {
    if (b.plan && !(inside(b.plan.x, b.plan.y) && inside(b.plan.x + b.plan.w, b.plan.y + b.plan.h))) outside(['buildings', bi]);
    b.entrances.forEach((e, ei) => {
      if (e.plan && !inside(e.plan.x, e.plan.y)) outside(['buildings', bi, 'entrances', ei]);
    });
  });
  c.publicPoints.forEach((p, i) => {
    if (p.plan && !inside(p.plan.x, p.plan.y)) outside(['publicPoints', i]);
  });
}
