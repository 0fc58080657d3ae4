/** The board's place column: a compound-wide incident names its compound, not the compound's id. */
import { describe, expect, it } from 'vitest';
import { buildSitePlan } from '../../../services/api/site-plan/site-plan.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { SiteIndex } from '../../../services/web/src/logic/site-index.ts';

const site = loadSite();
const index = new SiteIndex(buildSitePlan({ site, devices: listDevices(site), statuses: [], openTickets: [], drainLevels: new Map() }));
const compound = index.communities[0]!.compounds.find((c) => c.id === 'dl8')!;

describe('place labels', () => {
  it("a storm or outage (subject: the compound, no place) shows the compound's name in either language", () => {
    const storm = { compoundId: 'dl8', placeId: undefined, buildingId: undefined };
    expect(index.placeLabel(storm, 'zh')).toBe(compound.name.zh);
    expect(index.placeLabel(storm, 'en')).toBe(compound.name.en);
    expect(index.placeLabel(storm, 'zh')).not.toBe('dl8');
  });

  it('a place of the compound keeps its own name; an unknown place keeps its id', () => {
    expect(index.placeLabel({ compoundId: 'dl8', placeId: 'b3-u2', buildingId: 'b3' }, 'en')).toMatch(/Unit 2/);
    expect(index.placeLabel({ compoundId: 'dl8', placeId: 'nowhere' }, 'en')).toBe('nowhere');
  });
});
