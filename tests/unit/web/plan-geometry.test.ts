import { describe, expect, it } from 'vitest';
import type { PlanCompound, PlanDevice } from '../../../services/web/src/api/views.ts';
import { DEVICE_SPACING_M, entrancePoint, extentOf, layoutPlan, POINT_DEVICE_DY_M } from '../../../services/web/src/logic/plan-geometry.ts';

const device = (id: string, kind: PlanDevice['kind']): PlanDevice => ({ id, kind, name: { zh: id, en: id }, status: 'online', lastSeen: null, openTickets: 0, worstPriority: null, drain: null });

const compound: PlanCompound = {
  id: 'dl8',
  name: { zh: '甸柳八区', en: 'Dianliu Block 8' },
  households: 36,
  renterShare: null,
  plan: { w: 100, h: 60 },
  buildings: [
    {
      id: 'b1',
      name: { zh: '1号楼', en: 'Building 1' },
      floors: 6,
      households: 36,
      plan: { x: 10, y: 20, w: 40, h: 12 },
      entrances: [
        { id: 'b1-u1', name: { zh: '1单元', en: 'Unit 1' }, households: 18, plan: null, devices: [device('door-1', 'door')] },
        { id: 'b1-u2', name: { zh: '2单元', en: 'Unit 2' }, households: 18, plan: { x: 45, y: 20 }, devices: [] },
      ],
    },
  ],
  publicPoints: [
    { id: 'gate-n', type: 'gate', name: { zh: '北门', en: 'North Gate' }, note: null, depthMm: null, plan: { x: 50, y: 55 }, devices: [device('door-g', 'door'), device('cam-1', 'camera')] },
    { id: 'lane-s', type: 'lane', name: { zh: '南巷', en: 'South Lane' }, note: null, depthMm: null, plan: { x: 80, y: 3 }, devices: [device('cam-2', 'camera')] },
    { id: 'm1', type: 'manhole', name: { zh: 'M1', en: 'M1' }, note: null, depthMm: 1500, plan: { x: 20, y: 5 }, devices: [device('drain-1', 'drain')] },
  ],
};

describe('the site plan drawing', () => {
  const layout = layoutPlan(compound);
  const at = (id: string) => layout.markers.find((m) => m.device.id === id)!;

  it('turns north-up metres into SVG coordinates with a margin', () => {
    expect(layout.toSvgY(0)).toBe(60);
    expect(layout.toSvgY(60)).toBe(0);
    expect(layout.viewBox).toBe('-12 -12 124 84');
  });

  it('uses configured entrance positions and spreads the others along the south wall', () => {
    expect(entrancePoint(compound.buildings[0]!, 0)).toEqual({ x: 20, y: 20 });
    expect(entrancePoint(compound.buildings[0]!, 1)).toEqual({ x: 45, y: 20 });
    expect(layout.entrances.get('b1-u1')).toEqual({ x: 20, y: 40 });
  });

  it('sets devices of one place side by side; a drain sits on its manhole; devices stay inside the plan', () => {
    expect(at('door-g').x).toBe(50 - DEVICE_SPACING_M / 2);
    expect(at('cam-1').x).toBe(50 + DEVICE_SPACING_M / 2);
    expect(at('cam-1').y).toBe(5 + POINT_DEVICE_DY_M);
    expect(at('drain-1')).toMatchObject({ x: 20, y: 55 });
    // At the southern edge, the lane's camera is drawn north of the lane.
    expect(at('cam-2').y).toBe(57 - POINT_DEVICE_DY_M);
    expect(layout.markers).toHaveLength(5);
  });

  it('finds an extent from what is placed when the config gives none', () => {
    expect(extentOf({ ...compound, plan: null })).toEqual({ w: 90, h: 65 });
  });
});
