import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { RuleEngine } from '../../../services/alerting/domain/rules/engine.ts';
import { makeTicketPolicy } from '../../../services/alerting/domain/tickets/policy.ts';
import { SqliteAlertingStore } from '../../../services/alerting/store/sqlite-alerting-store.ts';
import type { LogRecord } from '../../../services/event-log/port.ts';
import { systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';

const devices = listDevices(loadSite()).map(toDeviceContext);
let dir: string;
const stores: TicketStore[] = [];
afterEach(() => {
  stores.splice(0).forEach((s) => s.close());
  rmSync(dir, { recursive: true, force: true });
});

function instance(path: string): AlertingService {
  const store: TicketStore = SqliteAlertingStore.open({ path, synchronous: 'NORMAL' });
  stores.push(store);
  return new AlertingService({ store, engine: new RuleEngine(devices), planner: new DispatchPlanner(loadRoster()), policy: makeTicketPolicy(), clock: systemClock, logger: silentLogger() });
}

const doorEvent = (type: string) => (id: string, offset: number): LogRecord => ({
  topic: 'oc.events',
  partition: 0,
  offset,
  key: 'dl8-b1-u1-door',
  headers: {},
  timestamp: Date.now(),
  value: Buffer.from(JSON.stringify({ v: 1, id, deviceId: 'dl8-b1-u1-door', kind: 'door', type, ts: new Date().toISOString(), seq: offset, data: {} })),
});
const forced = doorEvent('door.forced-open');
const closed = doorEvent('door.closed');

describe('two alerting instances on one store', () => {
  it('share rule state and tickets: one ticket per fingerprint, no event acted on twice', () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-two-'));
    const path = join(dir, 'alerting.db');
    const a = instance(path);
    const b = instance(path);
    // Both see the same forced door from two reports, and one report twice (a redelivery).
    a.handleBatch([forced('e1', 0)]);
    b.handleBatch([forced('e2', 1), forced('e1', 0)]);
    a.handleBatch([forced('e2', 1)]);
    // B knew from the shared rule state that the door was already forced: no second firing.
    let tickets = stores[0]!.listTickets({});
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.fingerprint).toBe('dl8/dl8-b1-u1-door/door.forced-open');
    expect(tickets[0]!.firingCount).toBe(1);
    // Closed (seen by A), forced again (seen by B): the same open ticket counts a second firing.
    a.handleBatch([closed('e3', 2)]);
    b.handleBatch([forced('e4', 3)]);
    tickets = stores[1]!.listTickets({});
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.firingCount).toBe(2);
    const detail = stores[1]!.getTicket(tickets[0]!.id)!;
    expect(detail.linkedEvents.map((e) => e.eventId).sort()).toEqual(['e1', 'e3', 'e4']);
  });
});
