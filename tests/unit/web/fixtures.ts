import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';

const MIN = 60_000;

/** A ticket as the API sends it: a forced door at 3号楼2单元, opened at `openedAt`, open. */
export function ticketAt(openedAt: number, over: Partial<Ticket> = {}): Ticket {
  return {
    id: 'T20260715-0001',
    fingerprint: 'dl8/dl8-b3-u2-door/door.forced-open',
    alertType: 'door.forced-open',
    category: 'security',
    priority: 'P1',
    openedPriority: 'P1',
    state: 'open',
    subject: { deviceId: 'dl8-b3-u2-door', groupId: undefined, communityId: 'dianliu-8', compoundId: 'dl8', buildingId: 'b3', placeId: 'b3-u2' },
    title: { zh: '3号楼2单元：门被强行打开', en: 'Building 3 Unit 2: door forced open' },
    openedAt,
    updatedAt: openedAt,
    firingCount: 1,
    lastFiredAt: openedAt,
    conditionActive: true,
    linkedEventIds: ['e1'],
    linkedEventCount: 1,
    route: { teamId: 'security' },
    teamId: 'security',
    deadlines: { acknowledgeBy: openedAt + 5 * MIN, arriveBy: openedAt + 30 * MIN, resolveBy: openedAt + 240 * MIN },
    escalation: { level: 0, announced: [] },
    milestones: {},
    passedOverStaffIds: [],
    reopenCount: 0,
    storm: { lastEntryAt: openedAt, collapsed: 0 },
    recentCommandIds: [],
    lastSeq: 1,
    version: 1,
    ...over,
  };
}

export const dispatchedTo = (staffId: string, t: Ticket, acceptedAt?: number): Ticket => ({
  ...t,
  state: 'dispatched',
  assignment: { kind: 'staff', staffId, teamId: 'security', dispatchedAt: t.openedAt + MIN, ...(acceptedAt !== undefined ? { acceptedAt } : {}) },
  milestones: { acknowledgedAt: t.openedAt + MIN },
});
