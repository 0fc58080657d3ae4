import { describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import { RuleEngine } from '../../../services/alerting/domain/rules/engine.ts';
import { DEFAULT_SLA, makeTicketPolicy, slaFor } from '../../../services/alerting/domain/tickets/policy.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../services/alerting/store/sqlite-alerting-store.ts';
import { parseTicketPolicy } from '../../../services/alerting/ticket-policy-file.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';

/** The per-compound SLA layer (issue 17): a compound's deadlines over the site's, for that compound's tickets only. */
const MIN = 60_000;
const HOUR = 60 * MIN;

const site = { sla: { byPriority: { P1: { arriveMs: 20 * MIN } }, byCategory: { security: { P1: { arriveMs: 15 * MIN } } } } };
const policy = makeTicketPolicy({ ...site, compounds: { dl8: { sla: { byPriority: { P1: { resolveMs: 2 * HOUR } }, byCategory: { drainage: { P2: { arriveMs: HOUR } } } } } } });

describe('the compound layer of the ticket policy', () => {
  it.each([
    // compound, category, priority, expected targets
    ['dl8', 'security', 'P1', { acknowledgeMs: 5 * MIN, arriveMs: 15 * MIN, resolveMs: 2 * HOUR }],
    ['dl8', 'drainage', 'P2', { ...DEFAULT_SLA.P2, arriveMs: HOUR }],
    ['dl8', 'device-fault', 'P1', { acknowledgeMs: 5 * MIN, arriveMs: 20 * MIN, resolveMs: 2 * HOUR }],
    ['dl9', 'security', 'P1', { acknowledgeMs: 5 * MIN, arriveMs: 15 * MIN, resolveMs: 4 * HOUR }],
    ['dl9', 'drainage', 'P2', DEFAULT_SLA.P2],
    [undefined, 'device-fault', 'P1', { acknowledgeMs: 5 * MIN, arriveMs: 20 * MIN, resolveMs: 4 * HOUR }],
  ] as const)('%s %s %s runs on the compound layer over the site, field by field', (compound, category, priority, expected) => {
    expect(slaFor(policy, category, priority, compound)).toEqual(expected);
  });

  it('a policy without compound layers has none (the site policy as before)', () => {
    expect(makeTicketPolicy(site).compounds).toBeUndefined();
  });

  it.each([
    [{ compounds: { dl9: { sla: {} } } }, 'compounds.dl9: is not a compound of the site'],
    [{ compounds: { dl8: { reminderEveryMs: 60000 } } }, 'compounds.dl8.reminderEveryMs: is not a known key'],
    [{ compounds: { dl8: { sla: { byPriority: { P1: { arrivalMs: 1 } } } } } }, 'compounds.dl8.sla.byPriority.P1.arrivalMs: is not a known key'],
    [{ compounds: { dl8: { sla: { byPriority: { P2: { arriveMs: -1 } } } } } }, 'compounds.dl8.sla.byPriority.P2.arriveMs:'],
    // The compound's arrive before the site's acknowledge: named at the compound's key.
    [{ compounds: { dl8: { sla: { byPriority: { P1: { arriveMs: 60000 } } } } } }, 'compounds.dl8.sla.byPriority.P1: deadlines must run acknowledge ≤ arrive ≤ resolve'],
    [{ compounds: { dl8: { sla: { byCategory: { drainage: { P2: { resolveMs: 60000 } } } } } } }, 'compounds.dl8.sla.byCategory.drainage.P2: deadlines must run acknowledge ≤ arrive ≤ resolve'],
  ])('refuses %j naming the key', (raw, message) => {
    expect(() => parseTicketPolicy(raw, 'ticket policy', ['dl8'])).toThrow(expect.objectContaining({ code: 'OC_CONFIG_INVALID', message: expect.stringContaining(message) }));
  });

  it('without the site at hand (the file read at start) any compound id is taken', () => {
    expect(parseTicketPolicy({ compounds: { dl9: { sla: { byPriority: { P3: { resolveMs: 8 * HOUR } } } } } }).compounds?.dl9?.byPriority.P3.resolveMs).toBe(8 * HOUR);
  });

  it("the service gives a new ticket its compound's deadlines, another compound's the site's, and a change keeps open tickets' deadlines", () => {
    const t0 = Date.UTC(2026, 0, 15, 2, 0);
    const clock = new ManualClock(t0);
    const store: TicketStore = SqliteAlertingStore.open({ path: ':memory:' });
    try {
      const devices = listDevices(loadSite()).map(toDeviceContext);
      const dl8Door = devices.find((d) => d.deviceId === 'dl8-b1-u1-door')!;
      const dl9Door = { ...dl8Door, deviceId: 'dl9-c1-u1-door', compoundId: 'dl9' };
      const service = new AlertingService({ store, engine: new RuleEngine([...devices, dl9Door]), planner: new DispatchPlanner(loadRoster()), policy: makeTicketPolicy(), clock, logger: silentLogger() });
      let offset = 0;
      const forced = (deviceId: string) => {
        const value = Buffer.from(JSON.stringify({ v: 1, id: `e${offset}`, deviceId, kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: offset, data: {} }));
        service.handleBatch([{ topic: LOG_TOPICS.events, partition: 0, offset: offset++, key: deviceId, headers: {}, timestamp: clock.now(), value }]);
        return store.listTickets({}).filter((t) => t.subject.deviceId === deviceId);
      };
      const before = forced('dl8-b1-u1-door');
      expect(before).toHaveLength(1);
      expect(before[0]!.deadlines.resolveBy).toBe(t0 + 4 * HOUR);

      clock.advance(MIN);
      service.reconfigure({ policy: parseTicketPolicy({ compounds: { dl8: { sla: { byPriority: { P1: { resolveMs: 2 * HOUR } } } } } }, 'ticket policy', ['dl8', 'dl9']) });
      const again = forced('dl8-b1-u1-door');
      // The door still forced, another report: still one ticket, its deadlines as they were.
      expect(again.map((t) => [t.id, t.deadlines])).toEqual(before.map((t) => [t.id, t.deadlines]));
      expect(again[0]!.state).toBe('open');

      const dl8New = forced('dl8-b1-u2-door');
      expect(dl8New[0]!.deadlines).toEqual({ acknowledgeBy: clock.now() + 5 * MIN, arriveBy: clock.now() + 30 * MIN, resolveBy: clock.now() + 2 * HOUR });
      const dl9New = forced('dl9-c1-u1-door');
      expect(dl9New[0]!.deadlines.resolveBy).toBe(clock.now() + 4 * HOUR);
    } finally {
      store.close();
    }
  });
});
