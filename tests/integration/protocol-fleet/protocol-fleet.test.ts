import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';
import type { DeviceOutput } from '../../../simulators/models/model.ts';
import { ProtocolFleet, protocolCoverage } from '../../../simulators/protocol-fleet.ts';
import { rawCardForHash } from '../../../simulators/protocols/door/model-feed.ts';
import { openDoorProtocol } from '../../../simulators/protocols/door/protocol-plugin.ts';
import { DEFAULT_SIM_SITE_KEY, SimulationRunner } from '../../../simulators/runner.ts';
import { parseScenario } from '../../../simulators/scenario.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { recordingFactory } from '../../support/recording-factory.ts';

const site = loadSite();
const devices = listDevices(site);
let h: GatewayHarness | undefined;
let fleet: ProtocolFleet | undefined;
let dir: string | undefined;

afterEach(async () => {
  await fleet?.close();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fleet = h = dir = undefined;
});

/** What the door driver should make of a model output that went through the controller's vocabulary. */
function expectedFromDoor(o: DeviceOutput): { type: string; ts: string; data: Record<string, unknown> } {
  const data = typeof o.data.cardHash === 'string' ? { ...o.data, cardHash: pseudonymiseCard(DEFAULT_SIM_SITE_KEY, rawCardForHash(o.data.cardHash)) } : o.data;
  return { type: o.type, ts: new Date(o.at).toISOString(), data };
}

describe('protocol fleet: behaviour model → protocol simulator → socket → real driver → agent → gateway', () => {
  it('delivers every door output through the controller protocol, and kinds without a plug-in directly', async () => {
    h = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    dir = mkdtempSync(join(tmpdir(), 'oc-protocol-fleet-'));
    const clock = new ManualClock();
    // Each step below moves simulated time 10 s at once: tell the drivers, as `npm start` does with its speed.
    // Doors only: this run steps as fast as it can, and a polled drain sensor keeps only its latest reading
    // (drains have their own run, paced to the driver, in drain-protocol.test.ts).
    fleet = new ProtocolFleet({ brokerUrl: h.url, secrets: h.secrets, outboxPath: join(dir, 'outbox.db'), clock, logger: silentLogger(), heartbeatIntervalMs: 0, speed: 100, kinds: { door: openDoorProtocol } });
    const scenario = parseScenario({
      seed: 5,
      durationS: 1200,
      startAt: '2026-07-15T19:00:00+08:00',
      events: [
        { at: 30, do: 'forced-open', target: 'dl8-b1-u1-door' },
        { at: 60, do: 'held-open', target: 'dl8-b2-u1-door', durationS: 90 },
        { at: 90, do: 'tamper', target: 'dl8-b3-u1-door' },
      ],
    });
    const fed = new Map<string, DeviceOutput[]>();
    const runner = new SimulationRunner({ site, scenario, agentFactory: recordingFactory(fleet.factory, fed), clock, progressIntervalMs: 0 });
    await fleet.prepare(runner.devices);
    expect(fleet.describe()).toBe('door over HTTP/JSON event stream');
    runner.start();
    while (!runner.done) {
      runner.step(10_000);
      // Let the drivers read while the models produce: live streaming, not only replay at the end.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { drained } = await runner.close({ drainTimeoutMs: 25_000 });
    expect(drained).toBe(true);

    const doors = devices.filter((d) => d.kind === 'door');
    const fedDoorOutputs = doors.reduce((n, d) => n + (fed.get(d.id)?.length ?? 0), 0);
    const fedOthers = devices.filter((d) => d.kind !== 'door').reduce((n, d) => n + (fed.get(d.id)?.length ?? 0), 0);
    expect(fedDoorOutputs).toBeGreaterThan(50);
    expect(fedOthers).toBeGreaterThan(50);
    const inLog = () => [...h!.recorder.json<Envelope>('oc.events'), ...h!.recorder.json<Envelope>('oc.telemetry')];
    await h.recorder.until(() => new Set(inLog().map((e) => e.id)).size >= fedDoorOutputs + fedOthers);

    const byDevice = new Map<string, Envelope[]>();
    for (const e of inLog()) byDevice.set(e.deviceId, [...(byDevice.get(e.deviceId) ?? []), e]);
    for (const door of doors) {
      const got = (byDevice.get(door.id) ?? []).map((e) => ({ type: e.type, ts: e.ts, data: e.data }));
      expect(got, door.id).toEqual((fed.get(door.id) ?? []).map(expectedFromDoor));
    }
    // Cameras and drains: what the model said, as it said it (no protocol yet).
    for (const d of devices.filter((x) => x.kind !== 'door')) {
      const got = (byDevice.get(d.id) ?? []).map((e) => [e.type, e.data]);
      expect(got, d.id).toEqual((fed.get(d.id) ?? []).map((o) => [o.type, o.data]));
    }
    expect(byDevice.get('dl8-b1-u1-door')!.some((e) => e.type === 'door.forced-open')).toBe(true);
    expect(byDevice.get('dl8-b3-u1-door')!.some((e) => e.type === 'tamper')).toBe(true);
    expect([...fleet.drivers.values()].every((d) => d.status().state === 'ok' && d.status().faults === 0)).toBe(true);
  });

  it('a power cut of building b1 stops its controllers\' drivers and agents; power back boots fresh drivers that resume each controller\'s stream without a repeat', async () => {
    h = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    dir = mkdtempSync(join(tmpdir(), 'oc-protocol-fleet-'));
    const clock = new ManualClock();
    fleet = new ProtocolFleet({ brokerUrl: h.url, secrets: h.secrets, outboxPath: join(dir, 'outbox.db'), clock, logger: silentLogger(), heartbeatIntervalMs: 0, speed: 100, kinds: { door: openDoorProtocol } });
    const scenario = parseScenario({
      seed: 11,
      durationS: 900,
      startAt: '2026-07-15T19:00:00+08:00',
      devices: ['door'],
      events: [
        { at: 100, do: 'forced-open', target: 'dl8-b1-u1-door' },
        { at: 300, do: 'power-cut', target: 'b1', durationS: 300 },
        { at: 700, do: 'forced-open', target: 'dl8-b1-u2-door' },
      ],
    });
    const fed = new Map<string, DeviceOutput[]>();
    const runner = new SimulationRunner({ site, scenario, agentFactory: recordingFactory(fleet.factory, fed), clock, progressIntervalMs: 0 });
    await fleet.prepare(runner.devices);
    const b1Doors = runner.devices.filter((d) => d.buildingId === 'b1').map((d) => d.id);
    expect(b1Doors.length).toBeGreaterThan(1);
    const driversBefore = new Map(b1Doors.map((id) => [id, fleet!.drivers.get(id)]));
    runner.start();
    const cutAt = Date.parse(scenario.startAt!) + 300_000;
    const backAt = cutAt + 300_000;
    while (!runner.done) {
      runner.step(10_000);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const { drained } = await runner.close({ drainTimeoutMs: 25_000 });
    expect(drained).toBe(true);

    const inLog = () => h!.recorder.json<Envelope>('oc.events');
    const fedCount = runner.devices.reduce((n, d) => n + (fed.get(d.id)?.length ?? 0), 0);
    await h.recorder.until(() => new Set(inLog().map((e) => e.id)).size >= fedCount);
    for (const id of b1Doors) {
      const outputs = fed.get(id) ?? [];
      // Nothing reached the dark devices.
      expect(outputs.filter((o) => o.at >= cutAt && o.at < backAt), id).toEqual([]);
      // Through the old driver and the fresh one: every controller event once, in order.
      const got = inLog().filter((e) => e.deviceId === id).map((e) => ({ type: e.type, ts: e.ts, data: e.data }));
      expect(got, id).toEqual(outputs.map(expectedFromDoor));
      expect(fleet.drivers.get(id), id).not.toBe(driversBefore.get(id));
      expect(fleet.drivers.get(id)!.status().state, id).toBe('ok');
    }
    // Traffic on both sides of the cut went through: the scripted break-ins before and after it.
    const forced = (id: string) => inLog().filter((e) => e.deviceId === id && e.type === 'door.forced-open').map((e) => Date.parse(e.ts));
    expect(forced('dl8-b1-u1-door').every((at) => at < cutAt) && forced('dl8-b1-u1-door').length).toBeTruthy();
    expect(forced('dl8-b1-u2-door').every((at) => at >= backAt) && forced('dl8-b1-u2-door').length).toBeTruthy();
    // The gateway saw the b1 agents drop without a DISCONNECT, and only them.
    const lost = h.recorder.json<{ deviceId: string; state: string; source: string }>('oc.status').filter((s) => s.source === 'connection-lost');
    expect([...new Set(lost.map((s) => s.deviceId))].sort()).toEqual([...b1Doors].sort());
  });

  it('reports which kinds have a protocol plug-in', () => {
    expect(protocolCoverage(devices)).toEqual({ protocol: ['camera', 'door', 'drain'], direct: [] });
    expect(protocolCoverage(devices, { door: openDoorProtocol })).toEqual({ protocol: ['door'], direct: ['camera', 'drain'] });
    expect(protocolCoverage(devices, {})).toEqual({ protocol: [], direct: ['camera', 'door', 'drain'] });
  });
});
