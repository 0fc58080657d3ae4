/**
 * Issue 14's storm night through the real thing: simulated devices → real agents → gateway →
 * SQLite log → alerting, on the scenario's simulated clock (simulators/scenarios/storm-night.yaml:
 * a half-blocked M3, a storm over the compound, a ten-minute power cut, a forced door, someone
 * walking a lane in the quiet hours). One ticket per incident: the storm is ONE incident with a
 * line per manhole and a drain ticket only for the manhole that overflowed; the power cut is
 * one outage ticket and no per-device ones; the forced door's P1 reaches a named person.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSite } from '../../../services/site/load.ts';
import type { ReportTicket } from '../../../simulators/report/noise-report.ts';
import { platformTickets } from '../../../simulators/report/run-report.ts';
import { SimulatedPlatform } from '../../../simulators/report/simulated-platform.ts';
import { loadScenarioFile } from '../../../simulators/scenario.ts';

const MINUTE = 60_000;
const scenario = loadScenarioFile(fileURLToPath(new URL('../../../simulators/scenarios/storm-night.yaml', import.meta.url)));
const start = Date.parse('2026-07-16T01:00:00+08:00');
let platform: SimulatedPlatform;
let tickets: ReportTicket[];
const ofType = (type: string) => tickets.filter((t) => t.ticket.alertType === type);

beforeAll(async () => {
  platform = await SimulatedPlatform.start({ site: loadSite(), scenario });
  await platform.playUntil();
  tickets = platformTickets(platform);
}, 300_000);
afterAll(async () => platform?.close());

describe('the storm night, played through gateway, log and alerting', () => {
  it('opens one ticket per incident: storm, overflowing manhole, outage, forced door, the night digest', () => {
    expect(tickets.map((t) => t.ticket.alertType).sort()).toEqual(['camera.night-motion-digest', 'door.forced-open', 'drain.level-critical', 'site.mass-outage', 'site.storm']);
  });

  it('the storm is ONE incident with a child line per manhole that rose fast; only M3, which overflowed, has a drain ticket, linked to it', () => {
    const [storm] = ofType('site.storm');
    const lines = storm!.ticket.children!;
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(new Set(lines.map((l) => l.deviceId)).size).toBe(lines.length);
    const drains = tickets.filter((t) => t.ticket.category === 'drainage' && t.ticket.alertType !== 'site.storm');
    expect(drains.map((t) => [t.ticket.subject.deviceId, t.ticket.parentId])).toEqual([['dl8-drain-m3', storm!.ticket.id]]);
    expect(lines.find((l) => l.deviceId === 'dl8-drain-m3')?.ticketId).toBe(drains[0]!.ticket.id);
    expect(platform.alerting.store.childTickets(storm!.ticket.id).map((t) => t.id)).toEqual([drains[0]!.ticket.id]);
    // The other manholes' rapid rises are alerts, on the desk's strip, not tickets.
    const rises = platform.alerting.store.listAlerts({ alertTypes: ['drain.rapid-rise'], limit: 500 });
    expect(rises.length).toBeGreaterThanOrEqual(lines.length);
    expect(rises.every((a) => a.disposition.kind === 'child')).toBe(true);
  });

  it('the power cut is one outage ticket, resolved by itself when power returned, with no device-offline, video-loss or stale-sensor tickets; the door forced after it still opens its P1', () => {
    const [outage] = ofType('site.mass-outage');
    expect(outage!.ticket).toMatchObject({ priority: 'P1', state: 'resolved', milestones: { autoResolved: true } });
    expect(tickets.filter((t) => ['device.offline', 'camera.video-loss', 'drain.sensor-fault'].includes(t.ticket.alertType))).toEqual([]);
    expect(ofType('door.forced-open').map((t) => t.ticket.priority)).toEqual(['P1']);
  });

  it('the forced door is dispatched by the system within 60 s to a guard on shift posted at its building; not accepted, the next guard and the supervisor on duty are named', () => {
    const [door] = ofType('door.forced-open');
    const planner = platform.alerting.planner;
    const dispatched = door!.timeline.find((e) => e.action === 'dispatched')!;
    expect(dispatched.actor).toEqual({ kind: 'system' });
    expect(dispatched.at - door!.ticket.openedAt).toBeLessThanOrEqual(MINUTE);
    const guard = planner.staff(dispatched.data!.staffId as string)!;
    expect(planner.onDuty(dispatched.at, 'security').map((m) => m.id)).toContain(guard.id);
    expect(guard.posts).toContain('b2');
    const timeout = door!.timeline.find((e) => e.action === 'accept-timeout')!;
    const supervisor = planner.supervisorOnDuty(timeout.at)!;
    expect(timeout.data).toMatchObject({ staffId: guard.id, staffName: guard.name, supervisorId: supervisor.id, supervisorName: supervisor.name });
    expect(planner.onDuty(timeout.at, 'security').map((m) => m.id)).toContain(timeout.data!.redispatchedTo);
  });

  it('the night motion is ONE low-priority digest for the compound, each burst in its evidence', () => {
    const [digest] = ofType('camera.night-motion-digest');
    expect(digest!.ticket).toMatchObject({ priority: 'P4', subject: { compoundId: 'dl8' } });
    const bursts = digest!.ticket.evidence!;
    expect(bursts.length).toBeGreaterThanOrEqual(1);
    expect(bursts.every((b) => b.why === 'digest' && b.alertType === 'camera.quiet-hours-motion' && typeof b.facts?.zone === 'string')).toBe(true);
    expect(bursts.some((b) => b.deviceId === 'dl8-cam-07' && b.at >= start + 120_000)).toBe(true);
  });
});
