import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../services/shared/envelope.ts';
import type { DeviceOutput } from '../../../simulators/models/model.ts';
import type { ProtocolFleet } from '../../../simulators/protocol-fleet.ts';
import { openCameraProtocol } from '../../../simulators/protocols/camera/protocol-plugin.ts';
import type { ScenarioInput } from '../../../simulators/scenario.ts';
import { PipelineHarness } from '../../support/pipeline-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { playStepByStep, protocolFleetFor } from '../../support/protocol-fleet-play.ts';

const CAM07 = 'dl8-cam-07';
const CAM11 = 'dl8-cam-11';
/** Where a simulated camera serves its snapshot; the model's own `sim://` URIs name nothing real. */
const SNAPSHOT_URI = /^http:\/\/127\.0\.0\.1:\d+\/onvif\/snapshot\?profile=/;

let p: PipelineHarness | undefined;
let fleet: ProtocolFleet | undefined;

afterEach(async () => {
  await fleet?.close();
  await p?.close();
  fleet = p = undefined;
});

/** What the camera driver should make of a model output that went through ONVIF: the same, with the camera's own snapshot URI. */
function expectedFromCamera(o: DeviceOutput): { type: string; ts: string; data: Record<string, unknown> } {
  return { type: o.type, ts: new Date(o.at).toISOString(), data: { ...o.data, snapshotUri: expect.stringMatching(SNAPSHOT_URI) } };
}

/** Runs a scenario through camera protocol devices only, in 10 s steps (playStepByStep). */
async function play(h: PipelineHarness, input: ScenarioInput, speed: number): Promise<Map<string, DeviceOutput[]>> {
  fleet = protocolFleetFor(h, { speed, kinds: { camera: openCameraProtocol } });
  const fed = await playStepByStep(h, fleet, input);
  expect(fleet.describe()).toBe('camera over ONVIF (SOAP pull-point events)');
  return fed;
}

describe('cameras over ONVIF in the protocol fleet: model → camera simulator → driver → agent → gateway → alerting', () => {
  it('a scripted video loss and a covered lens arrive as the model said them: the covered lens opens its ticket, the video loss stays an alert', async () => {
    p = await PipelineHarness.start();
    const h = p;
    const fed = await play(
      h,
      {
        seed: 21,
        durationS: 1500,
        startAt: '2026-07-15T21:00:00+08:00',
        devices: [CAM07, CAM11],
        events: [
          { at: 300, do: 'video-loss', target: CAM07, durationS: 600 },
          { at: 600, do: 'tamper', target: CAM11, mode: 'cover', durationS: 300 },
        ],
      },
      100,
    );
    expect(fed.get(CAM07)!.map((o) => o.type)).toEqual(expect.arrayContaining(['video.loss', 'video.restored']));
    expect(fed.get(CAM11)!.map((o) => o.type)).toContain('tamper.cover');

    const logged = (deviceId: string) => h.gw.recorder.json<Envelope>('oc.events').filter((e) => e.deviceId === deviceId);
    await h.gw.recorder.until(() => logged(CAM07).length >= fed.get(CAM07)!.length && logged(CAM11).length >= fed.get(CAM11)!.length);
    for (const cam of [CAM07, CAM11]) {
      // Through the camera's analytics, pull point and the onvif package, and back: type, device time and data.
      expect(logged(cam).map((e) => ({ type: e.type, ts: e.ts, data: e.data })), cam).toEqual(fed.get(cam)!.map(expectedFromCamera));
      expect(logged(cam).every((e) => !e.id.includes('-fed-'))).toBe(true);
      expect(fleet!.drivers.get(cam)!.status()).toMatchObject({ state: 'ok', faults: 0 });
    }
    const loss = logged(CAM07).find((e) => e.type === 'video.loss')!;
    expect(loss.data).toMatchObject({ reason: 'signal-lost' });
    expect(logged(CAM07).find((e) => e.type === 'video.restored')!.data).toMatchObject({ downSeconds: 600 });

    const tamper = await h.ticket((t) => t.alertType === 'camera.tamper' && t.subject.deviceId === CAM11);
    expect(tamper).toMatchObject({ category: 'device-fault', priority: 'P2' });
    const cover = logged(CAM11).find((e) => e.type === 'tamper.cover')!;
    expect(tamper.linkedEventIds).toContain(cover.id);
    // The snapshot the event points at is served by the camera itself.
    const snapshot = await fetch(cover.data.snapshotUri as string);
    expect([snapshot.status, snapshot.headers.get('content-type')]).toEqual([200, 'image/png']);
    await snapshot.arrayBuffer();

    // Video loss fires and the restore clears it: ten minutes dark is an alert on the desk's strip, not a ticket
    // (camera.video-loss becomes one only after 15 min).
    const lossAlert = await pollUntil('the video loss of cam 07 resolved as an alert', () =>
      h.alerting.store.listAlerts({ alertTypes: ['camera.video-loss'] }).find((a) => a.subject.deviceId === CAM07 && a.state === 'resolved'),
    );
    expect(lossAlert.disposition.kind).toBe('alert-only');
    expect(h.alerting.store.listTickets({}).filter((t) => t.alertType === 'camera.video-loss')).toEqual([]);
  });

  it('all twelve cameras long-poll in one process: every motion the models raised arrives, and the fleet closes cleanly', async () => {
    p = await PipelineHarness.start();
    const h = p;
    // An evening hour: people come home, cameras at gates and lanes see them.
    const fed = await play(h, { seed: 4, durationS: 3600, startAt: '2026-07-15T18:00:00+08:00', devices: ['camera'], events: [] }, 600);
    expect(fed.size).toBe(12);
    const total = [...fed.values()].reduce((n, list) => n + list.length, 0);
    expect(total).toBeGreaterThan(50);

    const logged = () => h.gw.recorder.json<Envelope>('oc.events').filter((e) => fed.has(e.deviceId));
    await h.gw.recorder.until(() => logged().length >= total);
    for (const [cam, outputs] of fed) {
      const got = logged()
        .filter((e) => e.deviceId === cam)
        .map((e) => ({ type: e.type, ts: e.ts, data: e.data }));
      expect(got, cam).toEqual(outputs.map(expectedFromCamera));
    }
    expect([...fleet!.drivers.values()].every((d) => d.status().state === 'ok' && d.status().faults === 0)).toBe(true);

    // Each driver is waiting in a PullMessages long poll now; closing cuts them and stops every camera.
    const snapshotUris = [...new Set(logged().map((e) => e.data.snapshotUri as string))];
    expect(snapshotUris).toHaveLength(12);
    await fleet!.close();
    fleet = undefined;
    const after = await Promise.allSettled(snapshotUris.map((uri) => fetch(uri)));
    expect(after.map((r) => r.status)).toEqual(snapshotUris.map(() => 'rejected'));
  });
});
