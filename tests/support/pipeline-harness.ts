import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Alerting } from '../../services/alerting/compose.ts';
import type { Ticket } from '../../services/alerting/domain/tickets/types.ts';
import type { Api } from '../../services/api/app.ts';
import { ManualClock } from '../../services/shared/clock.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { listDevices } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';
import { AgentFleet } from '../../simulators/agent-fleet.ts';
import type { SimulationRunner } from '../../simulators/runner.ts';
import { parseScenario, type ScenarioInput } from '../../simulators/scenario.ts';
import { committedTicket, startAlertingStack } from './alerting-stack.ts';
import { ApiUser } from './api-user.ts';
import { GatewayHarness } from './gateway-harness.ts';
import { playToEnd } from './play-scenario.ts';

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
    ({ alerting: p.alerting, api: p.api } = await startAlertingStack({ log: p.gw.rawLog, site: p.site, devices: p.devices, clock: p.alertClock, dir: p.gw.dir, tickIntervalMs: 3_600_000 }));
    p.fleet = new AgentFleet({ brokerUrl: p.gw.url, secrets: p.gw.secrets, outboxPath: join(p.gw.dir, 'outbox.db'), clock: p.simClock, logger: silentLogger(), heartbeatIntervalMs: 0 });
    return p;
  }

  /** Plays a scenario to its end in simulated time and waits until every envelope is in the log. */
  play(input: ScenarioInput, stepMs = 10_000): Promise<SimulationRunner> {
    return playToEnd({ site: this.site, scenario: parseScenario(input), fleet: this.fleet, clock: this.simClock, stepMs });
  }

  /** Resolves once a committed ticket satisfies `check` (already there, or when it comes). */
  ticket(check: (t: Ticket) => boolean): Promise<Ticket> {
    return committedTicket(this.alerting, check);
  }

  /** GET as the duty desk (signed in as the demo operator). */
  async apiGet(url: string) {
    return (await this.user('desk')).get(url).then((r) => r.json());
  }

  /** POST as a demo user (signed in with login + "-demo"); a fresh action id unless the body has one. */
  async apiPost(url: string, body: object, login: string) {
    return (await this.user(login)).post(url, { actionId: randomUUID(), ...body });
  }

  /** One sign-in per login for the whole harness. */
  private readonly users = new Map<string, Promise<ApiUser>>();

  private user(login: string): Promise<ApiUser> {
    let user = this.users.get(login);
    if (!user) this.users.set(login, (user = ApiUser.signIn(this.api.app, login)));
    return user;
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.api.app.close();
    await this.alerting.runtime.close();
    await this.gw.close();
  }
}
