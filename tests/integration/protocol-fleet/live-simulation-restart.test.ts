/**
 * `npm start` restarted on the same data dir: the live simulation starts where the last
 * run's simulated time got to, not an hour back again, so no device reports into a past
 * it already reported (simulators/live-start.ts, `liveStartAfter`), and the scripted
 * incidents the first run played are not fired again (`resumeScript`).
 *
 * The wall clock is pinned (clock.ts `clockStartingAt`) to hours that used to matter: at
 * 03:00 in Shanghai the unit doors' traffic model sends almost nothing, so the devices here
 * are kept busy by scripted incidents instead, and the outcome is the same at any hour.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { clockStartingAt } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { MIN_LIVE_HISTORY_MS } from '../../../simulators/live-start.ts';
import { startLiveSimulation, type LiveSimulation } from '../../../simulators/live-simulation.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

const site = loadSite();
const DOORS = ['dl8-b1-u1-door', 'dl8-gate-n-door'];
const DEVICES = [...DOORS, 'dl8-cam-01', 'dl8-drain-m3'];
const FORCED = 'dl8-b1-u1-door';
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

/** Every 120 simulated s a tamper on each door and a motion on the camera, whatever the hour; one forced door early on. */
function scenarioYaml(): string {
  const events = [`  - { at: 90, do: forced-open, target: ${FORCED} }`];
  for (let at = 30; at < 3600; at += 120) {
    for (const door of DOORS) events.push(`  - { at: ${at}, do: tamper, target: ${door}, reason: scripted-${at} }`);
    events.push(`  - { at: ${at + 10}, do: motion, target: dl8-cam-01 }`);
  }
  // Fast enough that the first run plays a good stretch before it stops, too slow to catch up with now by then.
  return ['name: restart', 'seed: 5', 'durationS: 86400', 'speed: 300', `devices: [${DEVICES.join(', ')}]`, 'events:', ...events, ''].join('\n');
}

/** Wall-clock instants the runs are pinned to: night, afternoon, just before a day change (Asia/Shanghai). */
const CASES = [
  ['protocols', '2026-12-07T03:00:00+08:00'],
  ['protocols', '2026-12-07T15:00:00+08:00'],
  ['protocols', '2026-12-07T23:55:00+08:00'],
  // The hour it replays crosses midnight.
  ['protocols', '2026-12-08T00:20:00+08:00'],
  ['agents', '2026-12-07T03:00:00+08:00'],
] as const;

describe('live simulation restarted on the same data dir', () => {
  it.each(CASES)('(%s, wall clock at %s) goes on from where simulated time got: device times never go backwards, the forced door fires once', async (mode, wallAt) => {
    h = await GatewayHarness.start({ devices: listDevices(site).map((d) => ({ id: d.id, kind: d.kind })) });
    const scenarioFile = join(h.dir, 'restart.yaml');
    writeFileSync(scenarioFile, scenarioYaml());
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String((JSON.parse(line) as { msg: unknown }).msg)) });
    const clock = clockStartingAt(Date.parse(wallAt));
    const options = { site, brokerUrl: h.url, secrets: h.secrets, outboxPath: join(h.dir, 'outbox.db'), scenarioFile, mode, logger, clock };
    const forcedOpens = () => h!.recorder.json<Envelope>('oc.events').filter((e) => e.deviceId === FORCED && e.type === 'door.forced-open');

    sim = await startLiveSimulation(options);
    expect(sim.historyMs).toBe(MIN_LIVE_HISTORY_MS);
    const firstStart = sim.runner.startMs;
    expect(firstStart).toBe(Date.parse(wallAt) - MIN_LIVE_HISTORY_MS);
    await pollUntil(`two envelopes from each of ${DEVICES.join(', ')} and the forced door in the first run`, () =>
      DEVICES.every((id) => envelopes(h!).filter((e) => e.deviceId === id).length >= 2) && forcedOpens().length === 1,
      { timeoutMs: 60_000 },
    );
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
    await pollUntil(`two envelopes from each of ${DEVICES.join(', ')} in the second run`, () => DEVICES.every(secondRunReported), { timeoutMs: 60_000 });
    // The second run got well past the moment a replayed script would have forced the door again (90 s after its start).
    await pollUntil('the second run 10 simulated minutes in', () => sim!.runner.now() > sim!.runner.startMs + 600_000, { timeoutMs: 60_000 });
    await sim.close();
    sim = undefined;

    expect(forcedOpens(), 'door.forced-open envelopes over both runs').toHaveLength(1);
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
  }, 150_000);
});
