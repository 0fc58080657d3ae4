/**
 * One alerting instance in its own process, for the concurrency test: opens the
 * shared store file, waits for "go" on stdin (so all instances start together),
 * handles its batches of door reports as fast as it can, prints "done" and exits.
 * Argument: a JSON file { dbPath, batches: [[{ id, deviceId, type }]] }.
 */
import { readFileSync } from 'node:fs';
import { AlertingService, type TicketStore } from '../../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import { makeTicketPolicy } from '../../../../services/alerting/domain/tickets/policy.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import type { LogRecord } from '../../../../services/event-log/port.ts';
import { systemClock } from '../../../../services/shared/clock.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';

interface Job {
  dbPath: string;
  batches: Array<Array<{ id: string; deviceId: string; type: string }>>;
}

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Job;
const store: TicketStore = SqliteAlertingStore.open({ path: job.dbPath, synchronous: 'NORMAL' });
const service = new AlertingService({
  store,
  engine: new RuleEngine(listDevices(loadSite()).map(toDeviceContext)),
  planner: new DispatchPlanner(loadRoster()),
  policy: makeTicketPolicy(),
  clock: systemClock,
  logger: silentLogger(),
});

const record = (e: { id: string; deviceId: string; type: string }): LogRecord => ({
  topic: 'oc.events',
  partition: 0,
  offset: 0,
  key: e.deviceId,
  headers: {},
  timestamp: Date.now(),
  value: Buffer.from(JSON.stringify({ v: 1, id: e.id, deviceId: e.deviceId, kind: 'door', type: e.type, ts: new Date().toISOString(), seq: 1, data: {} })),
});

process.stdout.write('ready\n');
process.stdin.once('data', () => {
  for (const batch of job.batches) service.handleBatch(batch.map(record));
  store.close();
  process.stdout.write('done\n');
  process.exit(0);
});
