import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../services/shared/envelope.ts';
import type { ProtocolFleet } from '../../../simulators/protocol-fleet.ts';
import { PipelineHarness } from '../../support/pipeline-harness.ts';
import { playStepByStep, protocolFleetFor } from '../../support/protocol-fleet-play.ts';

const M3 = 'dl8-drain-m3';
let p: PipelineHarness | undefined;
let fleet: ProtocolFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  await p?.close();
  fleet = p = undefined;
});

describe('drain over Modbus TCP in the protocol fleet: model → sensor simulator → driver → agent → gateway → alerting', () => {
  it('a rainstorm at a half-blocked manhole: every level the model read arrives as the driver read it, and a critical drainage ticket opens', async () => {
    p = await PipelineHarness.start();
    // Speed 600 as in `npm start` with a fast scenario: the driver polls at its floor period.
    fleet = protocolFleetFor(p, { speed: 600 });
    // 10 s steps hold at most one reading (the model reads every 15 s at the fastest); the driver reads it before the next.
    const fed = await playStepByStep(
      p,
      fleet,
      {
        seed: 11,
        durationS: 1200,
        startAt: '2026-07-15T18:00:00+08:00',
        devices: ['m3'],
        events: [
          { at: 0, do: 'grease-blockage', target: 'm3', ratePerHour: 0, blockage: 0.6 },
          { at: 60, do: 'rainstorm', target: 'm3', durationS: 1200, intensityMmH: 60 },
        ],
      },
      10_000,
    );
    expect(fleet.describe()).toBe('drain over Modbus TCP');

    const readings = fed.get(M3)!.filter((o) => o.type === 'drain.level');
    expect(readings.length).toBeGreaterThan(30);
    // The storm filled the manhole to the rim, so the model also sampled at its fast rate.
    expect(readings.some((o) => o.data.overflow === true)).toBe(true);
    const logged = () => p!.gw.recorder.json<Envelope>('oc.telemetry').filter((e) => e.deviceId === M3 && e.type === 'drain.level');
    await p.gw.recorder.until(() => logged().length >= readings.length);
    // Through the sensor's registers and back: the driver's level comes from the depth in the site config.
    expect(logged().map((e) => ({ ts: e.ts, data: e.data }))).toEqual(readings.map((o) => ({ ts: new Date(o.at).toISOString(), data: o.data })));
    expect(logged().every((e) => !e.id.includes('-fed-'))).toBe(true);
    expect(fleet.drivers.get(M3)!.status()).toMatchObject({ state: 'ok', faults: 0 });

    const critical = await p.ticket((t) => t.alertType === 'drain.level-critical' && t.subject.deviceId === M3);
    expect(critical).toMatchObject({ priority: 'P1', category: 'drainage', route: { teamId: 'plumbing' } });
    const loggedIds = new Set(logged().map((e) => e.id));
    expect(critical.linkedEventIds.length).toBeGreaterThan(0);
    expect(critical.linkedEventIds.every((id) => loggedIds.has(id))).toBe(true);
    // About 55 readings, each waiting for a 50 ms poll: seconds here, more on a loaded machine.
  }, 120_000);
});
