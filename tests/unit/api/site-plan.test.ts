import { describe, expect, it } from 'vitest';
import type { DeviceStatus } from '../../../services/alerting/store/alerting-store.ts';
import { buildSitePlan, type OpenTicketFacts } from '../../../services/api/site-plan/site-plan.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';

const site = loadSite();
const devices = listDevices(site);
const status = (deviceId: string, state: DeviceStatus['state']): DeviceStatus => ({ deviceId, state, since: 1, lastSeen: 2, source: 'test' });
const open = (deviceId: string, alertType: string, category: OpenTicketFacts['category'], priority: OpenTicketFacts['priority']): OpenTicketFacts => ({ deviceId, alertType, category, priority });

function planDevice(plan: ReturnType<typeof buildSitePlan>, id: string) {
  const c = plan.subdistrict.communities[0]!.compounds[0]!;
  return [...c.buildings.flatMap((b) => b.entrances), ...c.publicPoints].flatMap((p) => p.devices).find((d) => d.id === id)!;
}

describe('site plan', () => {
  const plan = buildSitePlan({
    site,
    devices,
    statuses: [status('dl8-cam-01', 'online'), status('dl8-cam-02', 'online'), status('dl8-cam-03', 'offline'), status('dl8-drain-m4', 'online')],
    openTickets: [
      open('dl8-cam-02', 'camera.video-loss', 'device-fault', 'P2'),
      open('dl8-cam-03', 'device.offline', 'device-fault', 'P3'),
      open('dl8-cam-01', 'camera.quiet-hours-motion', 'security', 'P3'),
      open('dl8-cam-01', 'camera.tamper', 'security', 'P2'),
      open('dl8-b1-u1-door', 'door.forced-open', 'security', 'P1'),
    ],
    drainLevels: new Map([['dl8-drain-m4', [1000, 630] as const]]),
  });

  it('tells offline from faulty from fine, and never-heard from all three', () => {
    expect(planDevice(plan, 'dl8-cam-01').status).toBe('online');
    expect(planDevice(plan, 'dl8-cam-02').status).toBe('fault');
    expect(planDevice(plan, 'dl8-cam-03').status).toBe('offline');
    expect(planDevice(plan, 'dl8-cam-04').status).toBe('unknown');
  });

  it('counts open tickets and names the most urgent priority', () => {
    expect(planDevice(plan, 'dl8-cam-01')).toMatchObject({ openTickets: 2, worstPriority: 'P2' });
    expect(planDevice(plan, 'dl8-b1-u1-door')).toMatchObject({ openTickets: 1, worstPriority: 'P1' });
    expect(planDevice(plan, 'dl8-cam-04')).toMatchObject({ openTickets: 0, worstPriority: null });
  });

  it('shows a drain level as mm and as a share of the manhole depth', () => {
    expect(planDevice(plan, 'dl8-drain-m4').drain).toEqual({ levelMm: 630, depthMm: 1800, levelPct: 35, at: 1000 });
    expect(planDevice(plan, 'dl8-drain-m5').drain).toBeNull();
    expect(planDevice(plan, 'dl8-cam-01').drain).toBeNull();
  });
});
