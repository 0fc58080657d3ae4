import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { loadScenarioFile } from '../../../simulators/scenario.ts';
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

const POWER_CUT_SCENARIO = fileURLToPath(new URL('../../../simulators/scenarios/power-cut.yaml', import.meta.url));

/** What the gateway wrote to oc.status, in log order. */
const gatewayStatuses = () => p.gw.recorder.json<{ deviceId: string; state: string; source: string }>('oc.status');

/** Resolves once the alerting service holds `state` for every one of `ids`; waits on its device changes, no timer. */
function statusesReach(ids: readonly string[], state: 'online' | 'offline'): Promise<void> {
  const wanted = new Set(ids);
  return new Promise((resolve) => {
    const check = () => {
      const matching = p.alerting.store.deviceStatuses().filter((s) => wanted.has(s.deviceId) && s.state === state);
      if (matching.length < wanted.size) return;
      p.alerting.runtime.service.changes.off('device', check);
      resolve();
    };
    p.alerting.runtime.service.changes.on('device', check);
    check();
  });
}

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

  it('a compound power cut, played from the shipped scenario, opens one grouped ticket that clears when power returns', async () => {
    // simulators/scenarios/power-cut.yaml: every device of compound dl8 loses power at t=60 s, for 600 s.
    const runner = p.begin(loadScenarioFile(POWER_CUT_SCENARIO));
    const dl8 = p.devices.filter((d) => d.compoundId === 'dl8').map((d) => d.id).sort();
    expect(dl8.length).toBe(p.devices.length);
    // Up to just before the cut: every device connected, online at the desk, its envelopes in the log.
    await p.playUntil(runner, 59);
    await p.everyAgentConnected();
    await statusesReach(dl8, 'online');
    const statusRecordsBeforeCut = gatewayStatuses().length;

    await p.playUntil(runner, 60);
    expect(dl8.every((id) => !runner.isPowered(id))).toBe(true);
    await statusesReach(dl8, 'offline');
    // The gateway learned it from the sockets: each device's will, and no `offline` of the device's own.
    const afterCut = gatewayStatuses().slice(statusRecordsBeforeCut);
    expect(afterCut.filter((s) => s.source === 'will').map((s) => s.deviceId).sort()).toEqual(dl8);
    expect(afterCut.filter((s) => s.source === 'device')).toEqual([]);
    // The desk's device list shows them offline as lost connections (no DISCONNECT came), not as clean closes.
    const listed = (await p.apiGet('/api/devices')).devices as Array<{ id: string; status: { state: string; source: string } }>;
    expect(listed.filter((d) => d.status.state === 'offline').map((d) => d.id).sort()).toEqual(dl8);
    for (const d of listed) expect(d.status.source, d.id).toBe('connection-lost');

    // The offline grace (60 s) passes on the alerting clock.
    p.alertClock.set(Date.now() + 90_000);
    p.alerting.runtime.tick();
    const outage = await p.ticket((t) => t.alertType === 'site.mass-outage');
    const { ticket } = await throughApi(outage.id);
    expect(ticket).toMatchObject({ alertType: 'site.mass-outage', priority: 'P1', category: 'device-fault', state: 'open', conditionActive: true, subject: { groupId: 'dl8', compoundId: 'dl8', communityId: p.devices[0]!.communityId } });
    expect(ticket.title.en).toContain(`${dl8.length} devices`);
    const all = (await p.apiGet('/api/tickets?limit=500')) as { tickets: Ticket[] };
    expect(all.tickets.filter((t) => t.alertType === 'site.mass-outage').map((t) => t.id)).toEqual([outage.id]);
    expect(all.tickets.filter((t) => t.alertType === 'device.offline')).toEqual([]);

    // Power returns at t=660 s: the devices reconnect, say `online` and resend what they held.
    await p.playUntil(runner, 661);
    expect(dl8.every((id) => runner.isPowered(id))).toBe(true);
    await p.everyAgentConnected();
    await statusesReach(dl8, 'online');
    // The condition clears when the devices are back. The ticket stays open through the outage's
    // dark grace (10 min) before it resolves itself: that part runs on the scenario's own clock in
    // tests/integration/report/simulated-clock-platform.test.ts (here the devices send no heartbeats,
    // so a 10-minute jump of the alerting clock would make them all look dark again).
    const cleared = await p.ticket((t) => t.id === outage.id && !t.conditionActive);
    const after = await throughApi(cleared.id);
    expect(after.ticket).toMatchObject({ conditionActive: false, state: 'open' });
    expect(after.ticket.milestones.resolvedAt).toBeUndefined();
    expect(after.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['opened', 'condition-cleared']));
    const listedAgain = (await p.apiGet('/api/devices')).devices as Array<{ id: string; status: { state: string } }>;
    expect(listedAgain.filter((d) => d.status.state !== 'online').map((d) => d.id)).toEqual([]);
    const tickets = (await p.apiGet('/api/tickets?limit=500')) as { tickets: Ticket[] };
    expect(tickets.tickets.filter((t) => t.alertType === 'device.offline' || (t.alertType === 'site.mass-outage' && t.id !== outage.id))).toEqual([]);

    // The rest of the run plays normally, and the devices deliver everything they produced.
    await p.playUntil(runner, Infinity);
    expect(runner.done).toBe(true);
    expect([...p.fleet.agents.values()].map((a) => a.stats().pending).filter((n) => n > 0)).toEqual([]);
  });
});
