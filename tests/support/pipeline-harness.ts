import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createAlerting, type Alerting } from '../../services/alerting/compose.ts';
import type { Ticket } from '../../services/alerting/domain/tickets/types.ts';
import type { Api } from '../../services/api/app.ts';
import { createApi } from '../../services/api/compose.ts';
import { ManualClock } from '../../services/shared/clock.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { listDevices } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';
import { AgentFleet } from '../../simulators/agent-fleet.ts';
import { SimulationRunner } from '../../simulators/runner.ts';
import { parseScenario, type ScenarioInput } from '../../simulators/scenario.ts';
import { GatewayHarness } from './gateway-harness.ts';

/**
 * The whole pipeline of the reference site on loopback: simulated devices as real
 * agents → real gateway → real SQLite log → alerting service → API. The alerting
 * clock is manual, so SLA and offline timers are driven by the test.
 */
export class PipelineHarness {
  readonly site = loadSite();
  readonly devices = listDevices(this.site);
  gw!: GatewayHarness;
  alerting!: Alerting;
  api!: Api;
  fleet!: AgentFleet;
  readonly alertClock = new ManualClock(Date.now());
  readonly simClock = new ManualClock();

  static async start(): Promise<PipelineHarness> {
    const p = new PipelineHarness();
    p.gw = await GatewayHarness.start({ devices: p.devices.map((d) => ({ id: d.id, kind: d.kind })) });
    p.alerting = await createAlerting({ log: p.gw.rawLog, devices: p.devices, storePath: join(p.gw.dir, 'alerting.db'), clock: p.alertClock, logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL' });
    p.api = await createApi({ alerting: p.alerting, site: p.site, devices: p.devices, clock: p.alertClock, logger: silentLogger(), dataDir: p.gw.dir });
    p.fleet = new AgentFleet({ brokerUrl: p.gw.url, secrets: p.gw.secrets, outboxPath: join(p.gw.dir, 'outbox.db'), clock: p.simClock, logger: silentLogger(), heartbeatIntervalMs: 0 });
    return p;
  }

  /** Plays a scenario to its end in simulated time and waits until every envelope is in the log. */
  async play(input: ScenarioInput, stepMs = 10_000): Promise<SimulationRunner> {
    const runner = new SimulationRunner({ site: this.site, scenario: parseScenario(input), agentFactory: this.fleet.factory, clock: this.simClock, progressIntervalMs: 0 });
    runner.start();
    while (!runner.done) runner.step(stepMs);
    await Promise.all([...this.fleet.agents.values()].map((a) => a.whenDrained()));
    return runner;
  }

  /** Resolves once a committed ticket satisfies `check` (already there, or when it comes). */
  ticket(check: (t: Ticket) => boolean): Promise<Ticket> {
    const now = this.alerting.store.listTickets({ limit: 500 }).find(check);
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const listener = (t: Ticket) => {
        if (!check(t)) return;
        this.alerting.runtime.service.changes.off('ticket', listener);
        resolve(t);
      };
      this.alerting.runtime.service.changes.on('ticket', listener);
    });
  }

  /** GET as the duty desk (signed in as the demo operator). */
  async apiGet(url: string) {
    return this.api.app.inject({ method: 'GET', url, headers: { cookie: await this.cookieOf('desk') } }).then((r) => r.json());
  }

  /** POST as a demo user: `login` signs in with login + "-demo"; a fresh action id unless the body has one. */
  async apiPost(url: string, body: object, login: string) {
    return this.api.app.inject({ method: 'POST', url, payload: { actionId: randomUUID(), ...body }, headers: { cookie: await this.cookieOf(login) } });
  }

  private readonly cookies = new Map<string, string>();

  private async cookieOf(login: string): Promise<string> {
    const known = this.cookies.get(login);
    if (known) return known;
    const res = await this.api.app.inject({ method: 'POST', url: '/api/session', payload: { login, password: `${login}-demo` } });
    const cookie = res.cookies.find((c) => c.name === 'oc_session');
    if (res.statusCode !== 200 || !cookie) throw new Error(`sign-in of ${login} failed: ${res.statusCode} ${res.body}`);
    this.cookies.set(login, `oc_session=${cookie.value}`);
    return `oc_session=${cookie.value}`;
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.api.app.close();
    await this.alerting.runtime.close();
    await this.gw.close();
  }
}
