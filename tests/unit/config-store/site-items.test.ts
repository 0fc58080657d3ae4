import { expect, it } from 'vitest';
import { siteFromItems, siteToItems } from '../../../services/config-store/site-items.ts';
import { loadSite, parseSite } from '../../../services/site/load.ts';

/** The reference site split into store items and put back together is the same site, valid by the file's schema. */
it('round-trips the reference site through its items', () => {
  const site = loadSite();
  const items = siteToItems(site);
  expect(items.places.size).toBeGreaterThan(30);
  expect(items.devices.size).toBe(site.communities.flatMap((c) => c.compounds).flatMap((c) => c.devices).length);
  const back = siteFromItems(items);
  expect(back).toEqual(site);
  expect(parseSite(back)).toEqual(site);
});

it('leaves revoked devices out of the site the platform runs on', () => {
  const items = siteToItems(loadSite());
  const [id, device] = [...items.devices.entries()][0]!;
  items.devices.set(id, { ...device, state: 'revoked' });
  const devices = siteFromItems(items).communities[0]!.compounds[0]!.devices;
  expect(devices.map((d) => d.id)).not.toContain(id);
});
