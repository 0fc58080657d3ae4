/**
 * The platform on the scenario's simulated clock (simulators/report/simulated-platform.ts):
 * real agents, gateway, SQLite log and alerting in one process, played as fast as the
 * machine goes. Whatever the wall clock says, the tickets are those of the scenario's time.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../../services/site/load.ts';
import { SimulatedPlatform } from '../../../simulators/report/simulated-platform.ts';
import { platformTickets } from '../../../simulators/report/run-report.ts';
import { loadScenarioFile, parseScenario } from '../../../simulators/scenario.ts';

const site = loadSite();
const MINUTE = 60_000;
let platform: SimulatedPlatform | undefined;
afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

describe('the platform on a simulated clock', () => {
  it('a ten-minute power cut played fast still raises its mass-outage ticket, with SLA deadlines in simulated time', async () => {
    // Ten minutes longer than the shipped file, so the outage's dark grace after power returns plays too.
    const scenario = { ...loadScenarioFile(fileURLToPath(new URL('../../../simulators/scenarios/power-cut.yaml', import.meta.url))), durationS: 1800 };
    platform = await SimulatedPlatform.start({ site, scenario });
    const started = performance.now();
    await platform.playUntil();
    // Twenty simulated minutes in far fewer wall seconds: a speed-1 scenario played fast.
    expect(performance.now() - started).toBeLessThan(10 * MINUTE);
    const tickets = platformTickets(platform).map((t) => t.ticket);
    expect(tickets.map((t) => t.alertType)).toEqual(['site.mass-outage']);
    const [outage] = tickets;
    const cutAt = Date.parse('2026-07-15T14:01:00+08:00');
    // The offline grace (60 s) ran on the scenario's clock: opened a minute after the cut, simulated time.
    expect(outage!.openedAt).toBe(cutAt + MINUTE);
    // P1: acknowledge in 5 min, resolve in 4 h — from the simulated opening, not from the wall clock.
    expect(outage!.deadlines.acknowledgeBy).toBe(outage!.openedAt + 5 * MINUTE);
    expect(outage!.deadlines.resolveBy).toBe(outage!.openedAt + 240 * MINUTE);
    // Power back at 14:11: the condition cleared then; the grouped ticket resolved itself after
    // the outage's dark grace (10 min), in simulated time.
    expect(outage!.state).toBe('resolved');
    expect(outage!.conditionClearedAt).toBeGreaterThanOrEqual(cutAt + 10 * MINUTE);
    expect(outage!.conditionClearedAt).toBeLessThan(cutAt + 12 * MINUTE);
    expect(outage!.milestones.resolvedAt).toBeGreaterThanOrEqual(outage!.conditionClearedAt! + 10 * MINUTE);
    expect(outage!.milestones.resolvedAt).toBeLessThan(outage!.conditionClearedAt! + 11 * MINUTE);
  }, 120_000);

  it('a door forced at 02:00 Shanghai is dispatched within 60 s to a guard on the night crew; not accepted, it goes to the next guard and the supervisor on duty at 02:00, each named', async () => {
    const scenario = parseScenario({
      name: 'forced-at-two',
      seed: 3,
      durationS: 900,
      startAt: '2026-07-16T02:00:00+08:00',
      devices: ['door'],
      events: [{ at: 30, do: 'forced-open', target: 'b1-u1' }],
    });
    platform = await SimulatedPlatform.start({ site, scenario });
    await platform.playUntil();
    const [forced] = platformTickets(platform).filter((t) => t.ticket.alertType === 'door.forced-open');
    expect(forced).toBeDefined();
    const planner = platform.alerting.planner;
    const night = planner.supervisorOnDuty(Date.parse('2026-07-16T02:05:00+08:00'))!;
    // The 24-hour rota hands over at 08:00: the crew that came on at 08:00 on the 15th holds the night.
    expect(night.id).toBe(planner.supervisorOnDuty(Date.parse('2026-07-15T09:00:00+08:00'))!.id);
    expect(night.id).not.toBe(planner.supervisorOnDuty(Date.parse('2026-07-16T09:00:00+08:00'))!.id);
    const nightGuards = planner.onDuty(Date.parse('2026-07-16T02:05:00+08:00'), 'security').map((m) => m.id);
    // Every P1 reaches a person: dispatched by the system within 60 s of simulated time, to a guard of the night crew.
    const dispatched = forced!.timeline.find((e) => e.action === 'dispatched')!;
    expect(dispatched.actor).toEqual({ kind: 'system' });
    expect(dispatched.at - forced!.ticket.openedAt).toBeLessThanOrEqual(MINUTE);
    expect(nightGuards).toContain(dispatched.data!.staffId);
    // Nobody accepts (the simulated guards do not): after the forced-door rule's 3 minutes the
    // next guard and the night crew's supervisor are told, each by name, from the roster at that moment.
    const timeout = forced!.timeline.find((e) => e.action === 'accept-timeout')!;
    expect(timeout.at - dispatched.at).toBeGreaterThanOrEqual(3 * MINUTE);
    expect(timeout.at - dispatched.at).toBeLessThan(4 * MINUTE);
    expect(timeout.data).toMatchObject({ staffId: dispatched.data!.staffId, supervisorId: night.id, supervisorName: night.name });
    expect(nightGuards).toContain(timeout.data!.redispatchedTo);
    expect(timeout.data!.redispatchedTo).not.toBe(dispatched.data!.staffId);
  }, 120_000);
});
