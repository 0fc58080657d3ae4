import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadServiceConfig } from '../../../services/config/service-config.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { startLiveSimulation, type LiveSimulation } from '../../../simulators/live-simulation.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';

const site = loadSite();
let h: GatewayHarness | undefined;
let sim: LiveSimulation | undefined;
afterEach(async () => {
  await sim?.close();
  await h?.close();
  sim = h = undefined;
});

describe('OC_SIMULATE picks how simulated devices reach their agents', () => {
  it('parses true / agents / protocols / false', () => {
    expect(loadServiceConfig({}).simulator).toMatchObject({ enabled: true, mode: 'auto' });
    expect(loadServiceConfig({ OC_SIMULATE: 'protocols' }).simulator).toMatchObject({ enabled: true, mode: 'protocols' });
    expect(loadServiceConfig({ OC_SIMULATE: 'agents' }).simulator).toMatchObject({ enabled: true, mode: 'agents' });
    expect(loadServiceConfig({ OC_SIMULATE: 'false' }).simulator.enabled).toBe(false);
    expect(() => loadServiceConfig({ OC_SIMULATE: 'protocol' })).toThrow(/OC_SIMULATE/);
  });

  it('runs the live simulation over the door protocol when every simulated kind has one, and says so', async () => {
    const devices = listDevices(site);
    h = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    const scenarioFile = join(h.dir, 'doors.yaml');
    writeFileSync(scenarioFile, ['name: doors-only', 'seed: 3', 'durationS: 600', 'speed: 600', 'devices: [door]', 'events:', '  - { at: 5, do: forced-open, target: dl8-b2-u3-door }', ''].join('\n'));
    sim = await startLiveSimulation({ site, brokerUrl: h.url, secrets: h.secrets, outboxPath: join(h.dir, 'outbox.db'), scenarioFile, logger: silentLogger() });
    expect(sim.mode).toBe('protocols');
    expect(sim.modeDescription).toContain('door over HTTP/JSON event stream');
    await h.recorder.until(() => h!.recorder.json<Envelope>('oc.events').some((e) => e.deviceId === 'dl8-b2-u3-door' && e.type === 'door.forced-open'));
  });

  it('runs every kind over its protocol by default now that each has a plug-in; OC_SIMULATE=agents still feeds the agents', async () => {
    const devices = listDevices(site);
    h = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    const scenarioFile = join(h.dir, 'mixed.yaml');
    writeFileSync(scenarioFile, ['name: mixed', 'seed: 3', 'durationS: 60', 'speed: 60', 'devices: [dl8-b1-u1-door, dl8-cam-01, m3]', ''].join('\n'));
    const options = { site, brokerUrl: h.url, secrets: h.secrets, scenarioFile, logger: silentLogger() };
    sim = await startLiveSimulation({ ...options, outboxPath: join(h.dir, 'protocols-outbox.db') });
    expect(sim.mode).toBe('protocols');
    expect(sim.modeDescription).toBe(
      'protocols: model → device simulator → real driver → agent (door over HTTP/JSON event stream, camera over ONVIF (SOAP pull-point events), drain over Modbus TCP)',
    );
    await sim.close();
    sim = await startLiveSimulation({ ...options, outboxPath: join(h.dir, 'agents-outbox.db'), mode: 'agents' });
    expect(sim.mode).toBe('agents');
    expect(sim.modeDescription).toMatch(/^agents: /);
  });
});
