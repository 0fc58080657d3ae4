import { join } from 'node:path';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import type { Alerting } from '../../../services/alerting/compose.ts';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import type { Api } from '../../../services/api/app.ts';
import { openReceiptBook, type ReceiptBook } from '../../../services/alerting/receipts/receipt-book.ts';
import { clockStartingAt, ManualClock, type Clock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { AgentFleet } from '../../../simulators/agent-fleet.ts';
import { parseScenario, type ScenarioInput } from '../../../simulators/scenario.ts';
import { committedTicket, startAlertingStack } from '../../support/alerting-stack.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { playToEnd } from '../../support/play-scenario.ts';
import { createNotifier, type Notifier } from '../../../services/notifier/compose.ts';
import { loadNotifierConfig } from '../../../services/notifier/config.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import type { Agent } from 'node:https';

/** A notifier in the stack, as npm start runs it: its channel settings, and the agent trusting a loopback push service. */
export interface StackNotifier {
  env: Record<string, string>;
  pushAgent?: Agent;
}

/**
 * Monday 2026-12-07 14:00 in Beijing: six hours into crew A's 24-hour shift and the
 * day-night day shift (both hand over at 08:00, the night shift at 20:00), so a run of
 * any length the suite allows stays within one shift.
 */
export const BROWSER_TEST_START_MS = Date.parse('2026-12-07T14:00:00+08:00');

/**
 * The platform as `npm start` wires it, in this process on loopback ports: the real
 * gateway over the embedded (SQLite) event log, the alerting service, and the API
 * serving the built pages with the demo users. Devices are real EdgeAgents: a simulated
 * fleet for the scene, and one door the test drives itself.
 *
 * Every part runs on one clock that starts at BROWSER_TEST_START_MS and then runs in real
 * time (so SLA timers still count), and the browser's pages get the same clock
 * (TestBrowser installs it): who is on shift, the shift header and the SLA countdowns are
 * the same whenever the suite runs, far from any handover.
 */
export class DeskStack {
  readonly clock: Clock = clockStartingAt(BROWSER_TEST_START_MS);
  readonly site = loadSite();
  readonly devices = listDevices(this.site);
  gw!: GatewayHarness;
  alerting!: Alerting;
  api!: Api;
  receipts!: ReceiptBook;
  notifier!: Notifier;
  baseUrl!: string;
  private fleet: AgentFleet | undefined;
  private readonly doors: EdgeAgent[] = [];

  static async start(o: { notifier?: StackNotifier } = {}): Promise<DeskStack> {
    const s = new DeskStack();
    s.gw = await GatewayHarness.start({ devices: s.devices.map((d) => ({ id: d.id, kind: d.kind })), logger: silentLogger(), clock: s.clock });
    s.receipts = await openReceiptBook({ log: s.gw.rawLog, path: join(s.gw.dir, 'receipts.db'), logger: silentLogger(), clock: s.clock });
    // As in npm start, the notifier is always there (the phone page's notifications panel talks to it); with no
    // channel settings it has Web Push only. The reference roster, as alerting loads it by default.
    const roster = loadRoster();
    const config = loadNotifierConfig(s.gw.dir, 8080, { OC_NOTIFY_RETRY_BASE_MS: '50', OC_NOTIFY_TIMEOUT_MS: '2000', ...o.notifier?.env });
    s.notifier = await createNotifier({ log: s.gw.rawLog, config, roster, planner: new DispatchPlanner(roster), clock: s.clock, logger: silentLogger(), ...(o.notifier?.pushAgent ? { pushAgent: o.notifier.pushAgent } : {}) });
    ({ alerting: s.alerting, api: s.api } = await startAlertingStack({
      log: s.gw.rawLog,
      site: s.site,
      devices: s.devices,
      clock: s.clock,
      dir: s.gw.dir,
      tickIntervalMs: 1_000,
      receipts: s.receipts,
      pushDevices: s.notifier.pushDevices,
    }));
    s.baseUrl = await s.api.app.listen({ host: '127.0.0.1', port: 0 });
    return s;
  }

  /**
   * Plays a scenario on simulated agents for every device but `spare` (MQTT allows one
   * connection per device id), ending at the stack clock's now, and waits until all of
   * it is in the log. The agents stay connected, so their devices show online.
   */
  async playScene(input: Omit<ScenarioInput, 'startAt'>, spare: readonly string[]): Promise<void> {
    const durationMs = (input.durationS ?? 3600) * 1000;
    const simClock = new ManualClock(this.clock.now() - durationMs);
    this.fleet = new AgentFleet({ brokerUrl: this.gw.url, secrets: this.gw.secrets, outboxPath: join(this.gw.dir, 'fleet-outbox.db'), clock: simClock, logger: silentLogger(), heartbeatIntervalMs: 0 });
    const devices = this.devices.filter((d) => !spare.includes(d.id)).map((d) => d.id);
    await playToEnd({ site: this.site, scenario: parseScenario({ ...input, devices }), fleet: this.fleet, clock: simClock, stepMs: 30_000 });
  }

  /** A real edge agent for one door, connected to the gateway; the test makes it report. */
  door(deviceId: string): EdgeAgent {
    const agent = new EdgeAgent({ deviceId, kind: 'door', brokerUrl: this.gw.url, password: this.gw.secrets.get(deviceId)!, outbox: new MemoryOutbox(), clock: this.clock, heartbeatIntervalMs: 0, logger: silentLogger() });
    agent.start();
    this.doors.push(agent);
    return agent;
  }

  /** Resolves once a committed ticket satisfies `check` (already there, or when it comes). */
  ticket(check: (t: Ticket) => boolean): Promise<Ticket> {
    return committedTicket(this.alerting, check);
  }

  timeline(ticketId: string) {
    return this.alerting.store.getTicket(ticketId)?.timeline ?? [];
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.doors.map((d) => d.close()));
    await this.fleet?.close();
    await this.api.app.close();
    await this.alerting.runtime.close();
    await this.notifier.close();
    await this.receipts.close();
    await this.gw.close();
  }
}
