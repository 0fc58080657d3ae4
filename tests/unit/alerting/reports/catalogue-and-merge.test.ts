import { describe, expect, it } from 'vitest';
import { REPORT_CATALOGUE, REPORT_CATEGORIES } from '../../../../services/alerting/domain/reports/catalogue.ts';
import { mergeTarget } from '../../../../services/alerting/domain/reports/intake.ts';
import type { Ticket } from '../../../../services/alerting/domain/tickets/types.ts';

const ticket = (over: Partial<Ticket>): Ticket => ({ id: 'T1', state: 'open', category: 'drainage', openedAt: 1, subject: { communityId: 'c', compoundId: 'k', deviceId: undefined, groupId: undefined, buildingId: undefined, placeId: 'm3' }, ...over }) as Ticket;
const at = (placeId: string) => ({ communityId: 'c', compoundId: 'k', deviceId: undefined, groupId: undefined, buildingId: undefined, placeId });

describe('report catalogue', () => {
  it('has the eight categories, each bilingual with a priority, a team and SLA targets in order', () => {
    expect(REPORT_CATEGORIES).toEqual(['drainage', 'door-access', 'lighting', 'lift', 'sanitation', 'noise-neighbour', 'safety', 'other']);
    for (const c of REPORT_CATEGORIES) {
      const e = REPORT_CATALOGUE[c];
      expect(e.id).toBe(c);
      expect(e.name.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(e.name.en).toMatch(/[A-Za-z]/);
      expect(e.sla.acknowledgeMs).toBeLessThan(e.sla.arriveMs);
      expect(e.sla.arriveMs).toBeLessThan(e.sla.resolveMs);
      expect(e.teamId).not.toBe('');
    }
  });
});

describe('merging a report', () => {
  it('joins the oldest open ticket of the same category at the place, and nothing else', () => {
    const sensor = ticket({ id: 'T-sensor', openedAt: 1 });
    const later = ticket({ id: 'T-later', openedAt: 5 });
    expect(mergeTarget([later, sensor], { category: 'drainage', subject: at('m3') })?.id).toBe('T-sensor');
    expect(mergeTarget([sensor], { category: 'safety', subject: at('m3') })).toBeUndefined();
    expect(mergeTarget([sensor], { category: 'drainage', subject: at('m4') })).toBeUndefined();
    expect(mergeTarget([ticket({ state: 'resolved' })], { category: 'drainage', subject: at('m3') })).toBeUndefined();
  });
});
