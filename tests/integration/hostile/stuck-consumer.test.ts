import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlerting } from '../../../services/alerting/compose.ts';
import { createApi } from '../../../services/api/compose.ts';
import { ConsumerHealth } from '../../../services/event-log/guard/consumer-health.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { LogMonitor } from '../../../services/monitor/log-monitor.ts';
import { ManualClock, systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { TelemetryWriter } from '../../../services/telemetry/telemetry-writer.ts';
import { SqliteTimeSeries } from '../../../services/timeseries/sqlite/sqlite-time-series.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { EnvelopeSource, SwitchableStore } from '../../support/telemetry-harness.ts';

const site = loadSite();
const devices = listDevices(site);
const drain = devices.find((d) => d.kind === 'drain')!;
let dir: string;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

describe('a consumer one record holds up says so', () => {
  it('in the monitor line, in /api/health and as a ticket for the IoT team, which resolves when it moves again', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-stuck-'));
    const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', pollIntervalMs: 20 });
    cleanups.push(() => log.close());
    await log.ensureTopics(PLATFORM_TOPICS);
    const health = new ConsumerHealth();
    const alerting = await createAlerting({ log, devices, storePath: join(dir, 'alerting.db'), clock: new ManualClock(Date.now()), logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', health });
    cleanups.push(() => alerting.runtime.close());
    const api = await createApi({ alerting, site, devices, clock: systemClock, logger: silentLogger(), dataDir: dir, health });
    cleanups.push(() => api.app.close());
    const monitor = await LogMonitor.start(log, silentLogger(), 0, { health, clock: systemClock });
    cleanups.push(() => monitor.close());
    const inner = SqliteTimeSeries.open({ path: join(dir, 'series.db'), retentionMs: 30 * 86_400_000, synchronous: 'NORMAL', logger: silentLogger() });
    cleanups.push(() => inner.close());
    const store = new SwitchableStore(inner);
    store.down = true;
    const writer = await TelemetryWriter.start({ log, store, devices, logger: silentLogger(), health, clock: systemClock, stuckAfterMs: 300, backoff: { initialMs: 20, maxMs: 50 } });
    cleanups.push(() => writer.close());

    await log.append(LOG_TOPICS.telemetry, [new EnvelopeSource(Date.now()).level(drain, 120)]);
    const ticket = await pollUntil('the consumer-stuck ticket', () => alerting.store.listTickets({ limit: 50 }).find((t) => t.alertType === 'platform.consumer-stuck'));
    expect(ticket).toMatchObject({ category: 'device-fault', route: { teamId: 'iot' } });
    expect(ticket.title.en).toBe('telemetry-writer is stuck on record oc.telemetry/0/0');
    expect(monitor.snapshot().consumers).toMatch(/^telemetry-writer stuck on oc\.telemetry\/0\/0 for \d+ s$/);
    const healthAnswer = await api.app.inject({ method: 'GET', url: '/api/health' });
    expect(healthAnswer.json()).toMatchObject({ ok: false, consumers: expect.arrayContaining([expect.objectContaining({ consumer: 'telemetry-writer', state: 'stuck', record: 'oc.telemetry/0/0' })]) });

    store.down = false;
    await pollUntil('the ticket resolved once the writer moves again', () => alerting.store.listTickets({ limit: 50 }).find((t) => t.id === ticket.id && t.state === 'resolved'));
    expect(monitor.snapshot().consumers).toBe('ok');
    expect((await api.app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ ok: true });
  });
});
