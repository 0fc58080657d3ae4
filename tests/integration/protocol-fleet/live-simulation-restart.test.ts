/**
 * `npm start` restarted on the same data dir: the live simulation starts where the last
 * run's simulated time got to, not an hour back again, so no device reports into a past
 * it already reported (simulators/live-start.ts, `liveStartAfter`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { MIN_LIVE_HISTORY_MS } from '../../../simulators/live-start.ts';
import { startLiveSimulation, type LiveSimulation } from '../../../simulators/live-simulation.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';

const site = loadSite();
const DEVICES = ['dl8-b1-u1-door', 'dl8-gate-n-door', 'dl8-cam-01', 'dl8-drain-m3'];
let h: GatewayHarness | undefined;
let sim: LiveSimulation | undefined;
afterEach(async () => {
  await sim?.close();
  await h?.close();
  sim = h = undefined;
});

function envelopes(harness: GatewayHarness): Envelope[] {
  return [...harness.recorder.json<Envelope>('oc.events'), ...harness.recorder.json<Envelope>('oc.telemetry')];
}

function maxSeqByDevice(list: readonly Envelope[]): Map<string, number> {
  const max = new Map<string, number>();
  for (const e of list) max.set(e.deviceId, Math.max(max.get(e.deviceId) ?? -1, e.seq));
  return max;
}

describe('live simulation restarted on the same data dir', () => {
  it.each(['protocols', 'agents'] as const)('(%s) goes on from where simulated time got: device times never go backwards across the restart', async (mode) => {
    h = await GatewayHarness.start({ devices: listDevices(site).map((d) => ({ id: d.id, kind: d.kind })) });
    const scenarioFile = join(h.dir, 'restart.yaml');
    // Fast enough that the first run plays a good stretch, far too slow to catch up with now before it stops.
    writeFileSync(scenarioFile, ['name: restart', 'seed: 5', 'durationS: 86400', 'speed: 300', `devices: [${DEVICES.join(', ')}]`, ''].join('\n'));
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String((JSON.parse(line) as { msg: unknown }).msg)) });
    const options = { site, brokerUrl: h.url, secrets: h.secrets, outboxPath: join(h.dir, 'outbox.db'), scenarioFile, mode, logger };

    sim = await startLiveSimulation(options);
    expect(sim.historyMs).toBe(MIN_LIVE_HISTORY_MS);
    const firstStart = sim.runner.startMs;
    await h.recorder.until(() => DEVICES.every((id) => envelopes(h!).filter((e) => e.deviceId === id).length >= 2));
    await sim.close();
    const reached = sim.runner.now();
    sim = undefined;
    expect(reached).toBeGreaterThan(firstStart);
    const firstRun = maxSeqByDevice(envelopes(h));

    sim = await startLiveSimulation(options);
    // Starts just after the first run's reach: less history than a first run, and after every time it reported.
    expect(sim.historyMs).toBeLessThan(MIN_LIVE_HISTORY_MS);
    expect(sim.runner.startMs).toBeGreaterThan(reached);
    const secondRunReported = (id: string) => envelopes(h!).filter((e) => e.deviceId === id && e.seq > firstRun.get(id)!).length >= 2;
    await h.recorder.until(() => DEVICES.every(secondRunReported));
    await sim.close();
    sim = undefined;

    // The door controllers were power-cycled, not replaced: their drivers resume from their cursors.
    expect(warnings.filter((m) => /journal changed/.test(m))).toEqual([]);
    for (const id of DEVICES) {
      const own = envelopes(h)
        .filter((e) => e.deviceId === id)
        .sort((a, b) => a.seq - b.seq);
      const firstMax = Math.max(...own.filter((e) => e.seq <= firstRun.get(id)!).map((e) => Date.parse(e.ts)));
      const secondMin = Math.min(...own.filter((e) => e.seq > firstRun.get(id)!).map((e) => Date.parse(e.ts)));
      expect(secondMin, `${id}: the second run's first device time is after the first run's last`).toBeGreaterThanOrEqual(firstMax);
      const backwards = own.filter((e, i) => i > 0 && Date.parse(e.ts) < Date.parse(own[i - 1]!.ts));
      expect(backwards.map((e) => `${e.seq} ${e.type} ${e.ts}`), id).toEqual([]);
    }
  }, 120_000);
});
