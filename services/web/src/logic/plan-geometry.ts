/**
 * From plan coordinates (metres, x east, y north from the compound's south-west corner)
 * to SVG drawing positions (y down). Pure, so the layout can be tested without a browser.
 */
import type { PlanBuilding, PlanCompound, PlanDevice, PlanPoint, PlanPublicPoint } from '../api/views.ts';

export const PLAN_MARGIN_M = 12;
/** Devices sharing a place are set side by side this far apart. */
export const DEVICE_SPACING_M = 5;
export const ENTRANCE_DEVICE_DY_M = 3.5;
/** Lanes in the reference site lie on a building's south wall; south of them is open lane. */
export const POINT_DEVICE_DY_M = 7;
/** Where a point's name goes, south of its devices. */
export const POINT_LABEL_DY_M = 12;

export interface PlacedMarker {
  device: PlanDevice;
  placeId: string;
  x: number;
  y: number;
}

export interface PlanLayout {
  viewBox: string;
  width: number;
  height: number;
  /** SVG y for a plan y. */
  toSvgY(y: number): number;
  /** Each entrance's door position (from the config, or spread along the building's south side). */
  entrances: Map<string, { x: number; y: number }>;
  markers: PlacedMarker[];
}

/** A point at the plan's southern edge has its devices drawn north of it, inside the plan. */
export const devicesNorth = (p: PlanPublicPoint): boolean => p.plan !== null && p.plan.y < POINT_LABEL_DY_M + 4;

export function extentOf(c: PlanCompound): { w: number; h: number } {
  if (c.plan) return c.plan;
  // No extent in the config: everything placed, plus a margin.
  const xs = [...c.buildings.flatMap((b) => (b.plan ? [b.plan.x + b.plan.w] : [])), ...c.publicPoints.flatMap((p) => (p.plan ? [p.plan.x] : []))];
  const ys = [...c.buildings.flatMap((b) => (b.plan ? [b.plan.y + b.plan.h] : [])), ...c.publicPoints.flatMap((p) => (p.plan ? [p.plan.y] : []))];
  return { w: Math.max(0, ...xs) + 10, h: Math.max(0, ...ys) + 10 };
}

/** Entrances without plan coordinates are spread evenly along the building's south side, where the doors usually are. */
export function entrancePoint(b: PlanBuilding, index: number): PlanPoint | undefined {
  const e = b.entrances[index];
  if (e?.plan) return e.plan;
  if (!b.plan) return undefined;
  const step = b.plan.w / b.entrances.length;
  return { x: b.plan.x + step * (index + 0.5), y: b.plan.y };
}

export function layoutPlan(c: PlanCompound): PlanLayout {
  const { w, h } = extentOf(c);
  const toSvgY = (y: number) => h - y;
  const entrances = new Map<string, { x: number; y: number }>();
  const markers: PlacedMarker[] = [];
  /** `dy`: metres south of the point (SVG y grows southwards). */
  const place = (placeId: string, at: PlanPoint, devices: PlanDevice[], dy: number) => {
    devices.forEach((device, i) => {
      const dx = (i - (devices.length - 1) / 2) * DEVICE_SPACING_M;
      markers.push({ device, placeId, x: at.x + dx, y: toSvgY(at.y) + dy });
    });
  };
  for (const b of c.buildings) {
    b.entrances.forEach((e, i) => {
      const p = entrancePoint(b, i);
      if (!p) return;
      entrances.set(e.id, { x: p.x, y: toSvgY(p.y) });
      // Unit doors just outside the wall they are in.
      place(e.id, p, e.devices, ENTRANCE_DEVICE_DY_M);
    });
  }
  for (const p of c.publicPoints) {
    if (!p.plan) continue;
    // A manhole's sensor is drawn as the manhole itself; other devices a step south of their
    // point, or north of it when the point is at the plan's southern edge.
    const dy = p.type === 'manhole' ? 0 : devicesNorth(p) ? -POINT_DEVICE_DY_M : POINT_DEVICE_DY_M;
    place(p.id, p.plan, p.devices, dy);
  }
  const m = PLAN_MARGIN_M;
  return { viewBox: `${-m} ${-m} ${w + 2 * m} ${h + 2 * m}`, width: w, height: h, toSvgY, entrances, markers };
}
