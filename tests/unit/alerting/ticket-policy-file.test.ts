import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import { CATEGORIES, PRIORITIES } from '../../../services/alerting/domain/model.ts';
import { RuleEngine } from '../../../services/alerting/domain/rules/engine.ts';
import { DEFAULT_SLA, DEFAULT_TICKET_POLICY, slaFor } from '../../../services/alerting/domain/tickets/policy.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../services/alerting/store/sqlite-alerting-store.ts';
import { loadTicketPolicy } from '../../../services/alerting/ticket-policy-file.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));
const file = (text: string, name = 'tickets.yaml') => {
  dir = mkdtempSync(join(tmpdir(), 'oc-ticket-policy-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

describe('ticket policy file', () => {
  it('the reference file lays category targets over the priority defaults, and only there', () => {
    const policy = loadTicketPolicy();
    expect(slaFor(policy, 'security', 'P1')).toEqual({ ...DEFAULT_SLA.P1, arriveMs: 15 * MIN });
    expect(slaFor(policy, 'drainage', 'P2')).toEqual({ acknowledgeMs: DEFAULT_SLA.P2.acknowledgeMs, arriveMs: HOUR, resolveMs: 4 * HOUR });
    // A category without an override of that priority keeps the priority's targets.
    expect(slaFor(policy, 'security', 'P2')).toEqual(DEFAULT_SLA.P2);
    expect(slaFor(policy, 'device-fault', 'P3')).toEqual(DEFAULT_SLA.P3);
  });

  it('keeps every ticket of the reference site within the 24 h resolve promise, deadlines in order', () => {
    const policy = loadTicketPolicy();
    for (const c of CATEGORIES) {
      for (const p of PRIORITIES) {
        const t = slaFor(policy, c, p);
        expect(t.resolveMs, `${c} ${p}`).toBeLessThanOrEqual(24 * HOUR);
        expect(t.acknowledgeMs, `${c} ${p}`).toBeLessThanOrEqual(t.arriveMs);
        expect(t.arriveMs, `${c} ${p}`).toBeLessThanOrEqual(t.resolveMs);
      }
    }
  });

  it('an empty file is the defaults; a JSON file works too', () => {
    expect(loadTicketPolicy(file(''))).toEqual(DEFAULT_TICKET_POLICY);
    const policy = loadTicketPolicy(file(JSON.stringify({ acceptTimeoutMs: 300000, sla: { byPriority: { P1: { acknowledgeMs: 120000 } } } }), 'tickets.json'));
    expect(policy.acceptTimeoutMs).toBe(5 * MIN);
    expect(policy.sla.byPriority.P1).toEqual({ ...DEFAULT_SLA.P1, acknowledgeMs: 2 * MIN });
    expect(policy.reminderEveryMs).toBe(DEFAULT_TICKET_POLICY.reminderEveryMs);
  });

  it.each([
    ['sla:\n  byCategory:\n    drains: { P1: { arriveMs: 60000 } }\n', 'sla.byCategory.drains: is not a known key'],
    ['sla:\n  byPriority:\n    P1: { arrivalMs: 60000 }\n', 'sla.byPriority.P1.arrivalMs: is not a known key'],
    ['sla:\n  byPriority:\n    P5: { arriveMs: 60000 }\n', 'sla.byPriority.P5: is not a known key'],
    ['reminderEveryMs: -5\n', 'reminderEveryMs:'],
    ['acceptTimeoutMs: "10 min"\n', 'acceptTimeoutMs:'],
    ['remindEveryMs: 60000\n', 'remindEveryMs: is not a known key'],
    // Arrive before acknowledge, by a category override: named at the override.
    ['sla:\n  byCategory:\n    security: { P1: { arriveMs: 60000 } }\n', 'sla.byCategory.security.P1: deadlines must run acknowledge ≤ arrive ≤ resolve'],
    // Resolve before arrive for a priority: named at the priority.
    ['sla:\n  byPriority:\n    P3: { resolveMs: 3600000 }\n', 'sla.byPriority.P3: deadlines must run acknowledge ≤ arrive ≤ resolve'],
  ])('refuses %j naming the key', (text, message) => {
    expect(() => loadTicketPolicy(file(text))).toThrow(expect.objectContaining({ code: 'OC_CONFIG_INVALID', message: expect.stringContaining(message) }));
  });

  it('the service sets a ticket\'s deadlines from its category and priority', () => {
    const t0 = Date.UTC(2026, 0, 15, 2, 0);
    const clock = new ManualClock(t0);
    const store: TicketStore = SqliteAlertingStore.open({ path: ':memory:' });
    try {
      const devices = listDevices(loadSite()).map(toDeviceContext);
      const service = new AlertingService({ store, engine: new RuleEngine(devices), planner: new DispatchPlanner(loadRoster()), policy: loadTicketPolicy(), clock, logger: silentLogger() });
      const door = 'dl8-b1-u1-door';
      const value = Buffer.from(JSON.stringify({ v: 1, id: 'e1', deviceId: door, kind: 'door', type: 'door.forced-open', ts: new Date(t0).toISOString(), seq: 1, data: {} }));
      service.handleBatch([{ topic: LOG_TOPICS.events, partition: 0, offset: 0, key: door, headers: {}, timestamp: t0, value }]);
      const ticket = store.listTickets({}).find((t) => t.alertType === 'door.forced-open')!;
      expect(ticket).toMatchObject({ category: 'security', priority: 'P1' });
      expect(ticket.deadlines).toEqual({ acknowledgeBy: t0 + 5 * MIN, arriveBy: t0 + 15 * MIN, resolveBy: t0 + 4 * HOUR });
    } finally {
      store.close();
    }
  });
});
