import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { validateEnvelope, type Envelope } from '../../../services/shared/envelope.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { AgentFleet } from '../../../simulators/agent-fleet.ts';
import { SimulationRunner } from '../../../simulators/runner.ts';
import { parseScenario } from '../../../simulators/scenario.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';

const site = loadSite();
const devices = listDevices(site);
let h: GatewayHarness;
let fleet: AgentFleet;
let dir: string;

afterEach(async () => {
  await fleet?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const delivered = () => [...h.recorder.json<Envelope>('oc.events'), ...h.recorder.json<Envelope>('oc.telemetry')];

describe('simulated devices of the reference site → gateway → event log', () => {
  it('delivers every envelope of all three kinds, valid, gap-free and in order per device, with the scripted incidents', async () => {
    h = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    dir = mkdtempSync(join(tmpdir(), 'oc-e2e-'));
    const clock = new ManualClock();
    fleet = new AgentFleet({ brokerUrl: h.url, secrets: h.secrets, outboxPath: join(dir, 'outbox.db'), clock, logger: silentLogger(), heartbeatIntervalMs: 0 });
    const scenario = parseScenario({
      seed: 11,
      durationS: 1800,
      startAt: '2026-07-15T19:00:00+08:00',
      events: [
        { at: 20, do: 'video-loss', target: 'dl8-cam-03', durationS: 100 },
        { at: 30, do: 'forced-open', target: 'dl8-b1-u1-door' },
        { at: 300, do: 'rainstorm', target: 'm3', durationS: 1200, intensityMmH: 60 },
      ],
    });
    const runner = new SimulationRunner({ site, scenario, agentFactory: fleet.factory, clock, progressIntervalMs: 0 });
    runner.start();
    while (!runner.done) runner.step(10_000);
    const produced = [...fleet.agents.values()].reduce((n, a) => n + a.stats().produced, 0);
    expect(produced).toBeGreaterThan(100);

    await h.recorder.until(() => new Set(delivered().map((e) => e.id)).size === produced);

    // Every record is a valid envelope; per device, seqs rise within each topic and together run 0..n-1.
    for (const e of delivered()) validateEnvelope(e);
    const byDevice = new Map<string, number[]>();
    for (const topic of ['oc.events', 'oc.telemetry']) {
      const seen = new Set<string>();
      const perTopic = new Map<string, number[]>();
      for (const e of h.recorder.json<Envelope>(topic)) {
        if (seen.has(e.id)) continue;
        seen.add(e.id);
        perTopic.set(e.deviceId, [...(perTopic.get(e.deviceId) ?? []), e.seq]);
      }
      for (const [deviceId, seqs] of perTopic) {
        expect(seqs, `${topic} ${deviceId}`).toEqual([...seqs].sort((a, b) => a - b));
        byDevice.set(deviceId, [...(byDevice.get(deviceId) ?? []), ...seqs]);
      }
    }
    for (const [deviceId, seqs] of byDevice) {
      expect(seqs.sort((a, b) => a - b), deviceId).toEqual(seqs.map((_, i) => i));
    }
    const kindsSeen = new Set(delivered().map((e) => e.kind));
    expect([...kindsSeen].sort()).toEqual(['camera', 'door', 'drain']);
    expect(byDevice.size).toBeGreaterThanOrEqual(devices.filter((d) => d.kind === 'drain').length);

    const start = Date.parse('2026-07-15T19:00:00+08:00');
    const forced = delivered().find((e) => e.deviceId === 'dl8-b1-u1-door' && e.type === 'door.forced-open');
    expect(forced).toBeDefined();
    expect(Date.parse(forced!.ts) - start).toBeGreaterThanOrEqual(30_000);
    expect(delivered().some((e) => e.deviceId === 'dl8-cam-03' && e.type === 'video.loss')).toBe(true);

    const levels = (from: number, to: number) =>
      delivered()
        .filter((e) => e.deviceId === 'dl8-drain-m3' && e.type === 'drain.level' && Date.parse(e.ts) - start >= from && Date.parse(e.ts) - start < to)
        .map((e) => Number(e.data.levelMm));
    const before = Math.max(...levels(0, 300_000));
    const during = Math.max(...levels(900_000, 1_500_000));
    expect(during).toBeGreaterThan(before * 1.5);
    const otherDry = delivered().filter((e) => e.deviceId === 'dl8-drain-m1' && e.type === 'drain.level').map((e) => Number(e.data.levelMm));
    expect(Math.max(...otherDry)).toBeLessThan(during);
  });
});
