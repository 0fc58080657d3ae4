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
import { GatewayHarness } from './gateway-harness.ts';
import { playToEnd, playUntil, startScenario } from './play-scenario.ts';

/** A ticket action's answer: the ticket after it, or the error (code, field, current state). */
export type ActionAnswer = { ticket: Ticket; code?: never } | { ticket?: never; code: string; field?: string; currentState?: string };

/**
 * The whole pipeline of the reference site on loopback: simulated devices as real
 * agents → real gateway → real SQLite log → alerting service → API on a real HTTP
 * socket. The alerting clock is manual, so SLA and offline timers are driven by the test.
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
  /** The API's address on loopback, e.g. `http://127.0.0.1:41234`. */
  baseUrl = '';

  static async start(): Promise<PipelineHarness> {
    const p = new PipelineHarness();
    p.gw = await GatewayHarness.start({ devices: p.devices.map((d) => ({ id: d.id, kind: d.kind })) });
    ({ alerting: p.alerting, api: p.api } = await startAlertingStack({ log: p.gw.rawLog, site: p.site, devices: p.devices, clock: p.alertClock, dir: p.gw.dir, tickIntervalMs: 3_600_000 }));
    // Fastify answers with the address it bound, e.g. http://127.0.0.1:41234.
    p.baseUrl = await p.api.app.listen({ host: '127.0.0.1', port: 0 });
    p.fleet = new AgentFleet({ brokerUrl: p.gw.url, secrets: p.gw.secrets, outboxPath: join(p.gw.dir, 'outbox.db'), clock: p.simClock, logger: silentLogger(), heartbeatIntervalMs: 0 });
    return p;
  }

  /** Plays a scenario to its end in simulated time and waits until every envelope is in the log. */
  play(input: ScenarioInput, stepMs = 10_000): Promise<SimulationRunner> {
    return playToEnd({ site: this.site, scenario: parseScenario(input), fleet: this.fleet, clock: this.simClock, stepMs });
  }

  /** Starts a scenario without moving simulated time; move it with `playUntil`. */
  begin(input: ScenarioInput): SimulationRunner {
    return startScenario({ site: this.site, scenario: parseScenario(input), fleet: this.fleet, clock: this.simClock });
  }

  /** Plays a begun scenario to `untilS` simulated seconds after its start; waits for the powered devices' envelopes. */
  playUntil(runner: SimulationRunner, untilS: number, stepMs = 10_000): Promise<void> {
    return playUntil(runner, this.fleet, untilS, stepMs);
  }

  /** Resolves once every agent of the fleet is connected (already, or when the last one connects). */
  everyAgentConnected(): Promise<void> {
    const agents = [...this.fleet.agents.values()];
    return new Promise((resolve) => {
      const check = () => {
        if (!agents.every((a) => a.stats().connected)) return;
        for (const a of agents) a.off('connect', check);
        resolve();
      };
      for (const a of agents) a.on('connect', check);
      check();
    });
  }

  /** Resolves once a committed ticket satisfies `check` (already there, or when it comes). */
  ticket(check: (t: Ticket) => boolean): Promise<Ticket> {
    return committedTicket(this.alerting, check);
  }

  /** GET over HTTP as the duty desk (signed in as the demo operator); throws unless 200. */
  async apiGet(url: string) {
    const res = await fetch(`${this.baseUrl}${url}`, { headers: { cookie: await this.cookie('desk') } });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** POST over HTTP as a demo user (signed in with login + "-demo"); a fresh action id unless the body has one. */
  async apiPost(url: string, body: object, login: string): Promise<{ status: number; body: ActionAnswer }> {
    const res = await fetch(`${this.baseUrl}${url}`, {
      method: 'POST',
      headers: { cookie: await this.cookie(login), 'content-type': 'application/json' },
      body: JSON.stringify({ actionId: randomUUID(), ...body }),
    });
    return { status: res.status, body: (await res.json()) as ActionAnswer };
  }

  /** One sign-in per login for the whole harness: the session cookie to send. */
  private readonly cookies = new Map<string, Promise<string>>();

  private cookie(login: string): Promise<string> {
    let cookie = this.cookies.get(login);
    if (!cookie) this.cookies.set(login, (cookie = this.signIn(login)));
    return cookie;
  }

  private async signIn(login: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: `${login}-demo` }) });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oc_session='));
    if (res.status !== 200 || !cookie) throw new Error(`sign-in of ${login} failed: ${res.status} ${await res.text()}`);
    return cookie.split(';')[0]!;
  }

  async close(): Promise<void> {
    await this.fleet.close();
    await this.api.app.close();
    await this.alerting.runtime.close();
    await this.gw.close();
  }
}
