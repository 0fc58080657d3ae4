import { describe, expect, it } from 'vitest';
import { reportPlaces } from '../../../services/api/reports/places.ts';
import { buildSitePlan } from '../../../services/api/site-plan/site-plan.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import type { SitePlan } from '../../../services/web/src/api/views.ts';
import { callPlaces, matchPlaces, pickedOnPlan } from '../../../services/web/src/logic/call-places.ts';

const site = loadSite();
const plan = buildSitePlan({ site, devices: listDevices(site), statuses: [], openTickets: [], drainLevels: new Map() }) as unknown as SitePlan;
const places = callPlaces(plan);
const compound = plan.subdistrict.communities[0]!.compounds[0]!;

describe("the desk's log-a-call places", () => {
  it('are exactly the places the server takes a call at, with the same names', () => {
    const server = reportPlaces(site);
    expect(places.map((p) => [p.id, p.name])).toEqual(server.map((p) => [p.id, p.name]));
  });

  it('are found in Chinese or English, every word counting', () => {
    expect(matchPlaces(places, 'M3号').map((p) => p.id)).toEqual(['m3']);
    expect(matchPlaces(places, 'manhole m3').map((p) => p.id)).toEqual(['m3']);
    expect(matchPlaces(places, '1号楼 1单元').map((p) => p.id)).toContain('b1-u1');
    expect(matchPlaces(places, 'building 1 unit 1').map((p) => p.id)).toContain('b1-u1');
    expect(matchPlaces(places, '')).toEqual([]);
    expect(matchPlaces(places, 'no such place')).toEqual([]);
  });

  it('are picked by a click on the plan: a place directly, a building by its entrances', () => {
    expect(pickedOnPlan(compound, places, 'm3').place?.id).toBe('m3');
    expect(pickedOnPlan(compound, places, 'b1').building?.entrances.map((e) => e.id)).toContain('b1-u1');
    expect(pickedOnPlan(compound, places, 'nowhere')).toEqual({});
    expect(pickedOnPlan(compound, places, undefined)).toEqual({});
  });
});
