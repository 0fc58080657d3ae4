import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { PipelineHarness } from '../../support/pipeline-harness.ts';

let p: PipelineHarness;
beforeEach(async () => {
  p = await PipelineHarness.start();
});
afterEach(async () => p.close());

const START = '2026-07-15T14:00:00+08:00';

/** Where a device is, as a ticket about it should say: community, compound, building, place. */
function placeOf(deviceId: string) {
  const d = p.devices.find((x) => x.id === deviceId)!;
  // JSON has no undefined: a public point's ticket simply has no building.
  return { deviceId, communityId: d.communityId, compoundId: d.compoundId, placeId: d.placeId, ...(d.buildingId ? { buildingId: d.buildingId } : {}) };
}

/**
 * The ticket as the desk sees it: fetched over HTTP from the API, with its timeline and
 * linked events. The alerting service only says which ticket to look for.
 */
async function throughApi(id: string): Promise<{ ticket: Ticket; timeline: Array<{ action: string }>; linkedEvents: Array<{ body: { type: string; deviceId: string } }> }> {
  return p.apiGet(`/api/tickets/${id}`);
}

const idsOf = (list: { tickets: Ticket[] }) => list.tickets.map((t) => t.id);

describe('simulator scenario → gateway → log → alerting → ticket visible through the API', () => {
  it('a rainstorm on a half-blocked manhole opens a critical drainage ticket routed to plumbing', async () => {
    await p.play({
      seed: 5,
      durationS: 3 * 3600,
      startAt: START,
      devices: ['drain'],
      events: [
        { at: 0, do: 'grease-blockage', target: 'm3', ratePerHour: 0, blockage: 0.5 },
        { at: 600, do: 'rainstorm', target: '*', durationS: 3600, intensityMmH: 45 },
      ],
    });
    const critical = await p.ticket((t) => t.alertType === 'drain.level-critical' && t.subject.deviceId === 'dl8-drain-m3');
    const { ticket, timeline, linkedEvents } = await throughApi(critical.id);
    expect(ticket).toMatchObject({ alertType: 'drain.level-critical', priority: 'P1', category: 'drainage', state: 'open', subject: placeOf('dl8-drain-m3'), route: { teamId: 'plumbing' } });
    expect(timeline[0]!.action).toBe('opened');
    expect(linkedEvents.some((e) => e.body.type === 'drain.level' && e.body.deviceId === 'dl8-drain-m3')).toBe(true);
    expect(idsOf(await p.apiGet('/api/tickets?category=drainage&priority=P1'))).toContain(critical.id);
  });

  it('a grease blockage in dry weather opens a shop-grease hint routed to market regulation', async () => {
    await p.play({
      seed: 6,
      durationS: 8 * 3600,
      startAt: '2026-07-15T06:00:00+08:00',
      devices: ['m5'],
      events: [{ at: 0, do: 'grease-blockage', target: 'm5', ratePerHour: 0.12 }],
    }, 60_000);
    const hint = await p.ticket((t) => t.alertType === 'drain.dry-weather-rise');
    const { ticket, linkedEvents } = await throughApi(hint.id);
    expect(ticket).toMatchObject({ alertType: 'drain.dry-weather-rise', priority: 'P3', category: 'shop-grease', subject: placeOf('dl8-drain-m5'), route: { departmentId: 'market-regulation' } });
    expect(ticket.title.zh.length).toBeGreaterThan(3);
    expect(linkedEvents.every((e) => e.body.deviceId === 'dl8-drain-m5')).toBe(true);
    // Dry weather, one manhole: no flooding ticket anywhere.
    const drainage = (await p.apiGet('/api/tickets?category=drainage')) as { tickets: Ticket[] };
    expect(drainage.tickets.filter((t) => t.alertType === 'drain.level-critical')).toEqual([]);
  });

  it('a forced door opens a P1 security ticket that the desk dispatches to a guard on duty', async () => {
    await p.play({ seed: 7, durationS: 600, startAt: START, devices: ['dl8-b1-u1-door', 'dl8-b1-u2-door'], events: [{ at: 30, do: 'forced-open', target: 'dl8-b1-u1-door' }] });
    const forced = await p.ticket((t) => t.alertType === 'door.forced-open');
    const { ticket, linkedEvents } = await throughApi(forced.id);
    expect(ticket).toMatchObject({ alertType: 'door.forced-open', priority: 'P1', category: 'security', state: 'open', subject: placeOf('dl8-b1-u1-door') });
    // The forcing, and whatever else the door said about it since (its closing, the clear).
    expect(linkedEvents[0]!.body).toMatchObject({ type: 'door.forced-open', deviceId: 'dl8-b1-u1-door' });
    expect(linkedEvents.every((e) => e.body.deviceId === 'dl8-b1-u1-door')).toBe(true);
    // Only the forced door: its neighbour, opened with cards, raised nothing.
    expect(idsOf(await p.apiGet('/api/tickets?category=security'))).toEqual([forced.id]);

    const operator = p.alerting.planner.onDuty(p.alertClock.now(), 'duty-desk').find((s) => s.role === 'operator')!;
    const res = await p.apiPost(`/api/tickets/${forced.id}/dispatch`, { note: 'check the door' }, operator.id);
    expect(res.status).toBe(200);
    const guards = p.alerting.planner.onDuty(p.alertClock.now(), 'security').map((s) => s.id);
    expect(res.body.ticket).toMatchObject({ state: 'dispatched', assignment: { kind: 'staff', teamId: 'security' } });
    expect(guards).toContain((res.body.ticket!.assignment as { staffId: string }).staffId);
  });

  it('a compound power cut opens one grouped ticket, not a storm', async () => {
    await p.play({ seed: 8, durationS: 120, startAt: START, events: [] });
    const cut = [...p.fleet.agents.values()].slice(0, 24);
    await Promise.all(cut.map((a) => a.close()));
    const offlineIds = new Set(cut.map((a) => a.deviceId));
    // Every offline record of the cut has reached the alerting service…
    await new Promise<void>((resolve) => {
      const check = () => {
        const offline = p.alerting.store.deviceStatuses().filter((s) => offlineIds.has(s.deviceId) && s.state === 'offline');
        if (offline.length === cut.length) {
          p.alerting.runtime.service.changes.off('device', check);
          resolve();
        }
      };
      p.alerting.runtime.service.changes.on('device', check);
      check();
    });
    // …then the offline grace (60 s) passes on the alerting clock, well before the
    // heartbeat timeout (210 s) of the devices that are still up.
    p.alertClock.set(Date.now() + 90_000);
    p.alerting.runtime.tick();
    const outage = await p.ticket((t) => t.alertType === 'site.mass-outage');
    const { ticket } = await throughApi(outage.id);
    expect(ticket).toMatchObject({ alertType: 'site.mass-outage', priority: 'P1', category: 'device-fault', state: 'open', subject: { groupId: 'dl8', compoundId: 'dl8', communityId: p.devices[0]!.communityId } });
    expect(ticket.title.en).toContain('24 devices');
    const all = (await p.apiGet('/api/tickets?limit=500')) as { tickets: Ticket[] };
    expect(all.tickets.filter((t) => t.alertType === 'site.mass-outage').map((t) => t.id)).toEqual([outage.id]);
    expect(all.tickets.filter((t) => t.alertType === 'device.offline')).toEqual([]);
    // The device list says which ones are down.
    const devices = (await p.apiGet('/api/devices')).devices as Array<{ id: string; status: { state: string } }>;
    expect(devices.filter((d) => d.status.state === 'offline').map((d) => d.id).sort()).toEqual([...offlineIds].sort());
  });
});
