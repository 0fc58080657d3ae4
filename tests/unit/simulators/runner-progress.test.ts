import { describe, expect, it } from 'vitest';
import type { AgentStats } from '../../../edge-agent/agent-api.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { progressLine, SimulationRunner } from '../../../simulators/runner.ts';
import { parseScenario } from '../../../simulators/scenario.ts';
import { FakeAgent, site } from './fixtures.ts';

/** Like a polled device over a protocol: the agent delivers one envelope per two samples it was handed. */
class PollingAgent extends FakeAgent {
  override stats(): AgentStats {
    const handed = this.calls.length;
    return { connected: true, produced: Math.floor(handed / 2), acknowledged: Math.floor(handed / 2), pending: 1, reconnects: 0 };
  }
}

describe('simulation progress: model outputs and delivered envelopes apart', () => {
  it('counts the samples the models produced and, separately, the envelopes the agents got acknowledged', () => {
    const clock = new ManualClock(0);
    const agents: PollingAgent[] = [];
    const runner = new SimulationRunner({
      site,
      clock,
      scenario: parseScenario({ startAt: '2026-07-15T18:00:00+08:00', durationS: 3600, devices: ['drain'] }),
      agentFactory: (d) => {
        const a = new PollingAgent(d.id, d.kind, clock);
        agents.push(a);
        return a;
      },
    });
    runner.step(3600_000);
    const p = runner.progress();
    const samples = agents.reduce((n, a) => n + a.calls.length, 0);
    expect(samples).toBeGreaterThan(agents.length * 2);
    expect(p.telemetry).toBe(samples);
    expect(p.delivered).toBe(agents.reduce((n, a) => n + Math.floor(a.calls.length / 2), 0));
    expect(p.delivered).toBeLessThan(p.telemetry);
    expect(p.pending).toBe(agents.length);

    const line = progressLine(p);
    expect(line).toContain(`telemetry samples ${p.telemetry}`);
    expect(line).toContain(`delivered ${p.delivered}, pending ${p.pending}`);
    expect(line).toMatch(/model: events \d+, telemetry samples \d+; envelopes: delivered \d+, pending \d+$/);
  });
});
