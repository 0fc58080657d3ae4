import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { PipelineHarness } from '../../support/pipeline-harness.ts';

let p: PipelineHarness;
beforeEach(async () => {
  p = await PipelineHarness.start();
});
afterEach(async () => p.close());

const START = '2026-07-15T14:00:00+08:00';

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
    expect(critical).toMatchObject({ priority: 'P1', category: 'drainage', route: { teamId: 'plumbing' } });
    const listed = await p.apiGet('/api/tickets?category=drainage&priority=P1');
    expect(listed.tickets.map((t: Ticket) => t.id)).toContain(critical.id);
    const detail = await p.apiGet(`/api/tickets/${critical.id}`);
    expect(detail.linkedEvents.some((e: { body: { type: string } }) => e.body.type === 'drain.level')).toBe(true);
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
    expect(hint).toMatchObject({ category: 'shop-grease', subject: { deviceId: 'dl8-drain-m5' }, route: { departmentId: 'market-regulation' } });
    expect(hint.title.zh.length).toBeGreaterThan(3);
  });

  it('a forced door opens a P1 security ticket that the desk dispatches to a guard on duty', async () => {
    await p.play({ seed: 7, durationS: 600, startAt: START, devices: ['dl8-b1-u1-door', 'dl8-b1-u2-door'], events: [{ at: 30, do: 'forced-open', target: 'dl8-b1-u1-door' }] });
    const forced = await p.ticket((t) => t.alertType === 'door.forced-open');
    expect(forced).toMatchObject({ priority: 'P1', category: 'security', subject: { deviceId: 'dl8-b1-u1-door' } });
    const operator = p.alerting.planner.onDuty(p.alertClock.now(), 'duty-desk').find((s) => s.role === 'operator')!;
    const res = await p.apiPost(`/api/tickets/${forced.id}/dispatch`, { note: 'check the door' }, operator.id);
    expect(res.statusCode).toBe(200);
    const guards = p.alerting.planner.onDuty(p.alertClock.now(), 'security').map((s) => s.id);
    expect(guards).toContain(res.json().ticket.assignment.staffId);
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
    expect(outage).toMatchObject({ priority: 'P1', subject: { groupId: 'dl8', compoundId: 'dl8' } });
    expect(outage.title.en).toContain('24 devices');
    const all = (await p.apiGet('/api/tickets?limit=500')).tickets as Ticket[];
    expect(all.filter((t) => t.alertType === 'site.mass-outage')).toHaveLength(1);
    expect(all.filter((t) => t.alertType === 'device.offline')).toHaveLength(0);
  });
});
