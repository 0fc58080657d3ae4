import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser, until } from '../../support/api-user.ts';

interface PlanDevice {
  id: string;
  kind: string;
  status: string;
  openTickets: number;
  worstPriority: string | null;
  drain: { levelMm: number; depthMm: number; levelPct: number } | null;
}
interface Placed {
  id: string;
  plan: Record<string, number> | null;
  devices: PlanDevice[];
}

let h: AlertingHarness;
let clock: ManualClock;
let desk: ApiUser;
let manager: ApiUser;

beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  [desk, manager] = await Promise.all([ApiUser.signIn(h.api.app, 'desk'), ApiUser.signIn(h.api.app, 'manager')]);
});
afterEach(async () => h.close());

async function plan() {
  const res = await desk.get('/api/site/plan');
  expect(res.statusCode).toBe(200);
  const compound = res.json().subdistrict.communities[0].compounds[0];
  const entrances: Placed[] = compound.buildings.flatMap((b: { entrances: Placed[] }) => b.entrances);
  const points: Array<Placed & { type: string }> = compound.publicPoints;
  const device = (id: string) => [...entrances, ...points].flatMap((p) => p.devices).find((d) => d.id === id)!;
  return { compound, entrances, points, device };
}

async function forcedDoor(deviceId: string): Promise<Ticket> {
  const opened = h.ticketWhere((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  await h.event(deviceId, 'door.forced-open');
  return opened;
}

describe('GET /api/site/plan', () => {
  it('draws the reference site: buildings as rectangles, entrances and public points as points, every device placed once', async () => {
    const { compound, entrances, points } = await plan();
    const site = h.site.communities[0]!.compounds[0]!;
    expect(compound).toMatchObject({ id: 'dl8', plan: { w: 250, h: 155 } });
    expect(compound.buildings.map((b: { id: string; plan: object }) => [b.id, b.plan])).toEqual(site.buildings.map((b) => [b.id, b.plan]));
    for (const b of compound.buildings) expect(Object.keys(b.plan).sort()).toEqual(['h', 'w', 'x', 'y']);
    expect(entrances).toHaveLength(32);
    for (const e of entrances) {
      expect(Object.keys(e.plan!).sort()).toEqual(['x', 'y']);
      expect(e.devices.map((d) => d.kind)).toEqual(['door']);
    }
    const manholes = points.filter((p) => p.type === 'manhole');
    expect(manholes).toHaveLength(8);
    for (const m of manholes) expect(m.devices.map((d) => d.kind)).toEqual(['drain']);
    const placed = [...entrances, ...points].flatMap((p) => p.devices.map((d) => d.id)).sort();
    expect(placed).toEqual(h.devices.map((d) => d.id).sort());
  });

  it('colours each device by status and open tickets, and shows the last drain level', async () => {
    const before = await plan();
    expect(before.device('dl8-b1-u1-door')).toMatchObject({ status: 'unknown', openTickets: 0, worstPriority: null, drain: null });
    await h.status('dl8-cam-02', 'offline', 'will');
    await h.status('dl8-cam-03', 'online', 'connect');
    await forcedDoor('dl8-b1-u1-door');
    await h.event('dl8-drain-m1', 'drain.level', { levelMm: 450, distanceMm: 1050, batteryPct: 90 }, 'telemetry');
    const after = await until('the drain reading on the plan', async () => {
      const p = await plan();
      return p.device('dl8-drain-m1').drain && p.device('dl8-cam-02').status === 'offline' ? p : undefined;
    });
    expect(after.device('dl8-b1-u1-door')).toMatchObject({ openTickets: 1, worstPriority: 'P1' });
    expect(after.device('dl8-cam-03').status).toBe('online');
    expect(after.device('dl8-drain-m1')).toMatchObject({ status: 'online', drain: { levelMm: 450, depthMm: 1500, levelPct: 30 } });
  });

  it('serves the drain level series for the ticket chart', async () => {
    await h.event('dl8-drain-m2', 'drain.level', { levelMm: 300, distanceMm: 1100 }, 'telemetry');
    const series = await until('the drain series', async () => {
      const body = (await desk.get('/api/devices/dl8-drain-m2/level')).json();
      return body.points?.length ? body : undefined;
    });
    expect(series).toMatchObject({ deviceId: 'dl8-drain-m2', depthMm: 1400, points: [{ levelMm: 300 }] });
    expect((await desk.get('/api/devices/dl8-cam-01/level')).statusCode).toBe(404);
  });
});

describe('GET /api/shift', () => {
  it('names the shift in force, who is on duty per team with their open tickets, and SLA figures', async () => {
    const now = clock.now();
    const door = await forcedDoor('dl8-b2-u2-door');
    const guard = h.alerting.planner.onDuty(now, 'security')[0]!;
    clock.advance(90_000);
    expect((await desk.act(door.id, 'acknowledge')).statusCode).toBe(200);
    expect((await desk.act(door.id, 'dispatch', { staffId: guard.id })).statusCode).toBe(200);

    const res = await desk.get('/api/shift');
    expect(res.statusCode).toBe(200);
    const shift = res.json();
    const slot = h.alerting.planner.shiftAt(clock.now());
    expect(shift.shift).toMatchObject({ scheduleId: 'rota-24h', crew: slot.crew, start: slot.startsAt, end: slot.endsAt });
    expect(shift.supervisor.staffId).toBe(h.alerting.planner.supervisorOnDuty(clock.now())!.id);
    const security = shift.teams.find((t: { team: string }) => t.team === 'security');
    expect(security.onDuty.map((m: { staffId: string }) => m.staffId)).toEqual(h.alerting.planner.onDuty(clock.now(), 'security').map((m) => m.id));
    expect(security.onDuty.find((m: { staffId: string }) => m.staffId === guard.id).openWork).toEqual([door.id]);
    expect(shift.sla.last7Days).toMatchObject({ opened: 1, resolved: 0, breached: 0, medianAckS: 90, medianResolveS: null });
    // The ticket opened at `now`: in this shift unless the shift began after it (a handover in the last 90 s).
    const inShift = door.openedAt >= slot.startsAt ? 1 : 0;
    expect(shift.sla.currentShift.opened).toBe(inShift);
  });
});

describe('GET /api/reports/sla', () => {
  it('gives the manager figures per day, category and priority, and the places that keep making tickets', async () => {
    const first = await forcedDoor('dl8-b3-u1-door');
    await desk.act(first.id, 'dispatch', { staffId: 'chen-gang', teamId: 'security' });
    await ApiUser.signIn(h.api.app, 'guard').then((g) => g.act(first.id, 'resolve', { note: 'latched' }));
    // Closed, and forced again past the reopen window: a new ticket at the same place.
    await h.event('dl8-b3-u1-door', 'door.closed', { openSeconds: 40 });
    clock.advance(31 * 60_000);
    await forcedDoor('dl8-b3-u1-door');
    await forcedDoor('dl8-gate-n-door');

    const res = await manager.get('/api/reports/sla?days=3');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report.period.days).toBe(3);
    expect(report.byDay).toHaveLength(3);
    expect(report.total).toMatchObject({ opened: 3, resolved: 1 });
    expect(report.byDay.reduce((n: number, d: { opened: number }) => n + d.opened, 0)).toBe(3);
    expect(report.byCategory.security.opened).toBe(3);
    expect(report.byPriority.P1.opened).toBe(3);
    expect(report.troubleSpots[0]).toMatchObject({ placeId: 'b3-u1', tickets: 2, name: { en: 'Building 3 Unit 1' } });
    expect(report.troubleSpots[1]).toMatchObject({ placeId: 'gate-n', tickets: 1 });
    expect((await manager.get('/api/reports/sla?days=91')).statusCode).toBe(400);
  });
});
