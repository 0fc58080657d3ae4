import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alerting } from '../../services/alerting/compose.ts';
import type { Ticket, TimelineEntry } from '../../services/alerting/domain/tickets/types.ts';
import type { Api } from '../../services/api/app.ts';
import type { SessionPolicy } from '../../services/api/auth/session-policy.ts';
import type { ReportOptions } from '../../services/api/reports/compose-reports.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import type { Clock } from '../../services/shared/clock.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { listDevices } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';
import { nextTicketChange, startAlertingStack } from './alerting-stack.ts';
import { ApiUser } from './api-user.ts';

/**
 * The alerting service and its API over a real SQLite log and a real store in a
 * temp dir, for the reference site. Events go in by appending to the log, as the
 * gateway would; tickets come out through the API and `oc.tickets`.
 */
export class AlertingHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-alerting-'));
  readonly site = loadSite();
  readonly devices = listDevices(this.site);
  log!: SqliteEventLog;
  alerting!: Alerting;
  api!: Api;
  private seq = new Map<string, number>();

  static async start(clock: Clock, opts: { logPath?: string; sessionPolicy?: SessionPolicy; reports?: ReportOptions } = {}): Promise<AlertingHarness> {
    const h = new AlertingHarness();
    h.log = SqliteEventLog.open({ path: opts.logPath ?? join(h.dir, 'events.db'), synchronous: 'NORMAL' });
    await h.log.ensureTopics(PLATFORM_TOPICS);
    await h.startAlerting(clock, opts.sessionPolicy, opts.reports);
    return h;
  }

  /** The service and the API (sign-in with the demo users file; sessions in this harness's dir). */
  async startAlerting(clock: Clock, sessionPolicy?: SessionPolicy, reports?: ReportOptions): Promise<void> {
    ({ alerting: this.alerting, api: this.api } = await startAlertingStack({ log: this.log, site: this.site, devices: this.devices, clock, dir: this.dir, tickIntervalMs: 3_600_000, ...(sessionPolicy ? { sessionPolicy } : {}), ...(reports ? { reports } : {}) }));
  }

  /**
   * Signs in a demo user (password: login + "-demo") and returns the cookie
   * header to send; throws with the answer when the sign-in fails.
   */
  async signIn(login: string, password?: string): Promise<string> {
    return (await ApiUser.signIn(this.api.app, login, password)).cookie;
  }

  async stopAlerting(): Promise<void> {
    await this.api.app.close();
    await this.alerting.runtime.close();
  }

  /** Appends a device event the way the gateway does; returns its id. */
  async event(deviceId: string, type: string, data: Record<string, unknown> = {}, channel: 'event' | 'telemetry' = 'event'): Promise<string> {
    const device = this.devices.find((d) => d.id === deviceId)!;
    const seq = this.seq.get(deviceId) ?? 0;
    this.seq.set(deviceId, seq + 1);
    const id = `${deviceId}-test-${seq}`;
    const envelope = { v: 1, id, deviceId, kind: device.kind, type, ts: new Date().toISOString(), seq, data };
    await this.log.append(channel === 'event' ? LOG_TOPICS.events : LOG_TOPICS.telemetry, [{ key: deviceId, value: JSON.stringify(envelope) }]);
    return id;
  }

  async status(deviceId: string, state: 'online' | 'offline', source = 'disconnect'): Promise<void> {
    await this.log.append(LOG_TOPICS.status, [{ key: deviceId, value: JSON.stringify({ deviceId, state, source, ts: new Date().toISOString() }) }]);
  }

  /** Resolves with the first committed ticket change that satisfies `check`. */
  ticketWhere(check: (t: Ticket, entries: TimelineEntry[]) => boolean): Promise<Ticket> {
    return nextTicketChange(this.alerting, check);
  }

  async close(): Promise<void> {
    await this.stopAlerting();
    await this.log.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
