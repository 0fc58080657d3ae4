import { describe, expect, it } from 'vitest';
import type { AlertSignal } from '../../../../services/alerting/domain/model.ts';
import { brief, device, Harness, MIN, SEC, siteDevices, siteTimeline, T0, type Step } from './harness.ts';

const DOOR = device('dl8-b2-u3-door');
const CAM = device('dl8-cam-07');

const status = (deviceId: string, atS: number, state: 'online' | 'offline', source = 'will'): Step => ({ at: T0 + atS * SEC, device: deviceId, status: state, source });
const beat = (deviceId: string, atS: number): Step => ({ at: T0 + atS * SEC, device: deviceId, type: 'agent.heartbeat', data: { uptimeS: atS, pending: 0, reconnects: 0 } });
const tick = (atS: number): Step => ({ tick: T0 + atS * SEC });
const ticks = (fromS: number, toS: number, everyS = 10): Step[] => Array.from({ length: Math.floor((toS - fromS) / everyS) + 1 }, (_, i) => tick(fromS + i * everyS));
const sig = (action: string, type: string, subject: string, atS: number) => `${action} ${type} ${subject} @${atS}s`;

describe('device offline (one device)', () => {
  const cases: { name: string; steps: Step[]; expected: string[] }[] = [
    {
      name: 'offline from the will waits the 60 s grace, then fires; any message clears it',
      steps: [beat(DOOR.deviceId, 0), status(DOOR.deviceId, 5, 'offline', 'will'), tick(64), tick(65), tick(100), beat(DOOR.deviceId, 200)],
      expected: [sig('fire', 'device.offline', DOOR.deviceId, 65), sig('clear', 'device.offline', DOOR.deviceId, 200)],
    },
    {
      name: 'back online within the grace raises nothing at all',
      steps: [beat(DOOR.deviceId, 0), status(DOOR.deviceId, 5, 'offline', 'keepalive-timeout'), tick(30), status(DOOR.deviceId, 50, 'online', 'connect'), ...ticks(60, 300, 60), beat(DOOR.deviceId, 110), beat(DOOR.deviceId, 170), beat(DOOR.deviceId, 230)],
      expected: [],
    },
    {
      name: 'no message for 3.5 min is offline too; device.offline waits the grace after that',
      steps: [beat(DOOR.deviceId, 0), tick(209), tick(210), tick(269), tick(270), tick(400), beat(DOOR.deviceId, 401)],
      expected: [sig('fire', 'device.offline', DOOR.deviceId, 270), sig('clear', 'device.offline', DOOR.deviceId, 401)],
    },
    {
      name: 'a device never heard from is offline 3.5 min + grace after the engine started',
      steps: [tick(0), tick(269), tick(270)],
      expected: [sig('fire', 'device.offline', DOOR.deviceId, 270)],
    },
    {
      name: 'a status stamped before the device’s latest message is stale and ignored',
      steps: [beat(DOOR.deviceId, 10), status(DOOR.deviceId, 5, 'offline', 'will'), ...ticks(20, 200, 30), beat(DOOR.deviceId, 70), beat(DOOR.deviceId, 130), beat(DOOR.deviceId, 190)],
      expected: [],
    },
    {
      name: 'a message read late from another topic, stamped before the offline status, is no sign of life',
      steps: [beat(DOOR.deviceId, 0), status(DOOR.deviceId, 20, 'offline', 'will'), beat(DOOR.deviceId, 10), tick(80)],
      expected: [sig('fire', 'device.offline', DOOR.deviceId, 80)],
    },
    {
      name: 'a flapping connection: each real outage is one fire and one clear, short drops are absorbed',
      steps: [
        beat(DOOR.deviceId, 0),
        status(DOOR.deviceId, 10, 'offline'), status(DOOR.deviceId, 20, 'online', 'connect'),
        status(DOOR.deviceId, 30, 'offline'), tick(100), status(DOOR.deviceId, 110, 'online', 'connect'),
        status(DOOR.deviceId, 120, 'offline'), tick(180), tick(190), status(DOOR.deviceId, 195, 'offline'), tick(200), status(DOOR.deviceId, 210, 'online', 'connect'),
      ],
      expected: [
        sig('fire', 'device.offline', DOOR.deviceId, 100),
        sig('clear', 'device.offline', DOOR.deviceId, 110),
        sig('fire', 'device.offline', DOOR.deviceId, 180),
        sig('clear', 'device.offline', DOOR.deviceId, 210),
      ],
    },
  ];
  it.each(cases)('$name', ({ steps, expected }) => {
    expect(new Harness([DOOR]).run(steps).map(brief)).toEqual(expected);
  });

  it('says which device, why, and is an auto-resolving P3 device fault', () => {
    const [fire] = new Harness([DOOR]).run([beat(DOOR.deviceId, 0), status(DOOR.deviceId, 5, 'offline', 'keepalive-timeout'), tick(65)]);
    expect(fire!.summary).toEqual({ zh: '2号楼3单元门禁离线（连接保活超时）', en: 'Building 2 Unit 3 door controller offline (keepalive timed out)' });
    expect([fire!.category, fire!.priority, fire!.autoResolve]).toEqual(['device-fault', 'P3', true]);
    expect(fire!.details).toMatchObject({ offlineSince: T0 + 5 * SEC, cause: 'status', source: 'keepalive-timeout' });
  });
});

describe('mass outage of the reference compound (54 devices)', () => {
  const compoundSize = siteDevices.length;
  // 20 devices: every door and camera of buildings 1..3 plus lane cameras, as a feeder in the north-west would take.
  const cut = siteDevices.filter((d) => ['b1', 'b2', 'b3'].includes(d.buildingId ?? '')).concat(siteDevices.filter((d) => d.kind === 'camera').slice(0, 3));
  const cutIds = new Set(cut.map((d) => d.deviceId));
  const downAt = new Map(cut.map((d, i) => [d.deviceId, T0 + 5 * MIN + Math.round((i * 30 * SEC) / cut.length)]));

  /** The site for 20 min; `cut` devices go offline within 30 s at T0+5 min and come back per `backAt`. */
  function outage(backAt: (deviceId: string) => number | undefined): AlertSignal[] {
    const script: Step[] = [];
    for (const [id, at] of downAt) {
      script.push({ at, device: id, status: 'offline', source: 'keepalive-timeout' });
      const back = backAt(id);
      if (back !== undefined) script.push({ at: back, device: id, status: 'online', source: 'connect' });
    }
    const isDown = (id: string, at: number) => {
      const down = downAt.get(id);
      const back = backAt(id);
      return down !== undefined && at >= down && (back === undefined || at < back);
    };
    const h = new Harness(siteDevices);
    return h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 20 * MIN, script, silent: isDown }));
  }

  it('has 54 devices and a cut of 20 within 30 s (the scenario below)', () => {
    expect(compoundSize).toBe(54);
    expect(cut).toHaveLength(20);
    expect(Math.max(...downAt.values()) - Math.min(...downAt.values())).toBeLessThanOrEqual(30 * SEC);
  });

  it('20 of 54 offline within 30 s: exactly one site.mass-outage and zero device.offline', () => {
    const signals = outage(() => undefined);
    expect(signals.map((s) => `${s.action} ${s.alertType}`)).toEqual(['fire site.mass-outage']);
    const [fire] = signals;
    expect(fire!.fingerprint).toBe('dl8/dl8/site.mass-outage');
    expect(fire!.subject).toMatchObject({ groupId: 'dl8', deviceId: undefined, compoundId: 'dl8', communityId: 'dianliu-8' });
    // Power back is not the end: the desk resolves it after the outage's dark grace (alert-desk), not on the clear.
    expect([fire!.category, fire!.priority, fire!.autoResolve]).toEqual(['device-fault', 'P1', false]);
    expect(fire!.details).toMatchObject({ offlineCount: 20, compoundDeviceCount: 54, suppressedDeviceOffline: 20, alreadyReported: [], buildingIds: ['b1', 'b2', 'b3'], publicPointCount: 3 });
    expect(new Set(fire!.details.deviceIds as string[])).toEqual(cutIds);
    // Places by the names the desk knows them by, not by config ids.
    expect(fire!.summary.zh).toMatch(/^甸柳八区：20 台设备.*1号楼、2号楼、3号楼.*停电或网络中断/);
    expect(fire!.summary.en).toMatch(/^Dianliu Block 8: 20 devices .*Building 1, Building 2, Building 3.*possible power or network cut/);
    // It waits the grace of the first device down, so a gateway restart raises nothing.
    expect(fire!.at - Math.min(...downAt.values())).toBeGreaterThanOrEqual(60 * SEC);
    expect(fire!.at - Math.min(...downAt.values())).toBeLessThan(80 * SEC);
  });

  it('clears when 90% are back; the two still down a grace later get their own device.offline, which clear when they return', () => {
    const stragglers = [...cutIds].slice(-2);
    const back = (id: string) => (stragglers.includes(id) ? T0 + 15 * MIN : T0 + 10 * MIN + [...cutIds].indexOf(id) * SEC);
    const signals = outage(back);
    const lastBack = T0 + 10 * MIN + 17 * SEC;
    expect(signals.map((s) => `${s.action} ${s.alertType} ${s.subject.deviceId ?? s.subject.groupId}`)).toEqual([
      'fire site.mass-outage dl8',
      'clear site.mass-outage dl8',
      ...stragglers.map((id) => `fire device.offline ${id}`),
      ...stragglers.map((id) => `clear device.offline ${id}`),
    ]);
    expect(signals[1]!.at).toBe(lastBack);
    expect(signals[1]!.details).toMatchObject({ offlineCount: 20, backCount: 18, stillOffline: stragglers });
    // Their grace counts from the outage's end, not from when they went down with the rest.
    expect(signals[2]!.at - lastBack).toBeGreaterThanOrEqual(60 * SEC);
    expect(signals[2]!.at - lastBack).toBeLessThan(80 * SEC);
  });

  it('the last devices back from a power cut, a few seconds behind the rest, raise no device.offline of their own', () => {
    const stragglers = [...cutIds].slice(-2);
    const lastOfTheRest = T0 + 10 * MIN + 17 * SEC;
    const back = (id: string) => (stragglers.includes(id) ? lastOfTheRest + 20 * SEC : T0 + 10 * MIN + [...cutIds].indexOf(id) * SEC);
    expect(outage(back).map((s) => `${s.action} ${s.alertType}`)).toEqual(['fire site.mass-outage', 'clear site.mass-outage']);
  });

  it('17 of 20 back (85%) is not enough to clear', () => {
    const back = (id: string) => ([...cutIds].indexOf(id) < 17 ? T0 + 10 * MIN : undefined);
    expect(outage(back).map((s) => `${s.action} ${s.alertType}`)).toEqual(['fire site.mass-outage']);
  });

  it('one device offline alone on the busy site gets device.offline after the grace, and no mass outage', () => {
    const id = 'dl8-b5-u2-door';
    const at = T0 + 5 * MIN;
    const h = new Harness(siteDevices);
    const signals = h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 10 * MIN, script: [{ at, device: id, status: 'offline', source: 'will' }], silent: (d, t) => d === id && t >= at }));
    expect(signals.map(brief)).toEqual([sig('fire', 'device.offline', id, 5 * 60 + 60)]);
  });

  it('16 devices down (below max(3, 30% of 54) = 17) are 16 device.offline, no mass outage', () => {
    const few = cut.slice(0, 16);
    const h = new Harness(siteDevices);
    const script: Step[] = few.map((d) => ({ at: downAt.get(d.deviceId)!, device: d.deviceId, status: 'offline', source: 'will' }));
    const signals = h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 10 * MIN, script, silent: (d, t) => few.some((f) => f.deviceId === d && t >= downAt.get(d)!) }));
    expect(signals.map((s) => s.alertType)).toEqual(Array(16).fill('device.offline'));
    expect(new Set(signals.map((s) => s.subject.deviceId))).toEqual(new Set(few.map((d) => d.deviceId)));
  });

  it('a gateway restart (all 54 offline, back within 20 s) raises nothing', () => {
    const h = new Harness(siteDevices);
    const script: Step[] = siteDevices.flatMap((d) => [
      { at: T0 + 5 * MIN, device: d.deviceId, status: 'offline' as const, source: 'gateway-shutdown' },
      { at: T0 + 5 * MIN + 20 * SEC, device: d.deviceId, status: 'online' as const, source: 'connect' },
    ]);
    expect(h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 15 * MIN, script }))).toEqual([]);
  });

  it('devices dropping out while the outage lasts join it instead of firing on their own', () => {
    const late = 'dl8-b6-u1-door';
    const lateAt = T0 + 12 * MIN;
    const h = new Harness(siteDevices);
    const script: Step[] = [...downAt].map(([id, at]) => ({ at, device: id, status: 'offline' as const, source: 'will' }));
    script.push({ at: lateAt, device: late, status: 'offline', source: 'will' });
    const silent = (id: string, at: number) => (downAt.has(id) && at >= downAt.get(id)!) || (id === late && at >= lateAt);
    const signals = h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 20 * MIN, script, silent }));
    expect(signals.map((s) => s.alertType)).toEqual(['site.mass-outage']);
  });

  it('a device whose device.offline fired before the group formed is counted, not fired again', () => {
    const early = 'dl8-b4-u1-door';
    const h = new Harness(siteDevices);
    const script: Step[] = [{ at: T0 + 3 * MIN + 30 * SEC, device: early, status: 'offline', source: 'will' }, ...[...downAt].map(([id, at]) => ({ at, device: id, status: 'offline' as const, source: 'will' }))];
    const silent = (id: string, at: number) => (downAt.has(id) && at >= downAt.get(id)!) || (id === early && at >= T0 + 3 * MIN + 30 * SEC);
    const signals = h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 10 * MIN, script, silent }));
    expect(signals.map((s) => `${s.alertType} ${s.subject.deviceId ?? s.subject.groupId}`)).toEqual([`device.offline ${early}`, 'site.mass-outage dl8']);
    expect(signals[1]!.details).toMatchObject({ offlineCount: 21, suppressedDeviceOffline: 20, alreadyReported: [early] });
  });

  it('a power cut seen only as missing heartbeats (no status at all) is grouped too; the few whose grace ran out first are counted, not repeated', () => {
    // Detection by heartbeat spreads the devices' down times by one heartbeat interval on top of the cut itself,
    // so the first one or two may wait out their grace before the group reaches its threshold.
    const h = new Harness(siteDevices);
    const signals = h.run(siteTimeline({ devices: siteDevices, from: T0, until: T0 + 15 * MIN, silent: (id, at) => cutIds.has(id) && at >= downAt.get(id)! }));
    const outageAt = signals.findIndex((s) => s.alertType === 'site.mass-outage');
    const early = signals.slice(0, outageAt);
    expect(signals.filter((s) => s.alertType === 'site.mass-outage')).toHaveLength(1);
    expect(signals.slice(outageAt + 1)).toEqual([]);
    expect(early.length).toBeLessThanOrEqual(3);
    expect(early.every((s) => s.alertType === 'device.offline' && cutIds.has(s.subject.deviceId!))).toBe(true);
    expect(signals[outageAt]!.details).toMatchObject({
      offlineCount: 20,
      suppressedDeviceOffline: 20 - early.length,
      alreadyReported: early.map((s) => s.subject.deviceId),
    });
  });

  it('other compounds are counted on their own', () => {
    const other = siteDevices.slice(0, 4).map((d) => ({ ...d, deviceId: `x-${d.deviceId}`, compoundId: 'dl9' }));
    const h = new Harness([...siteDevices, ...other]);
    // 3 of dl9's 4 devices (>= max(3, 30%)) go offline: a dl9 outage; dl8 is unaffected.
    const downs = new Map(other.slice(0, 3).map((d, i) => [d.deviceId, T0 + 5 * MIN + i * SEC]));
    const script: Step[] = [...downs].map(([id, at]) => ({ at, device: id, status: 'offline' as const, source: 'will' }));
    const signals = h.run(siteTimeline({ devices: [...siteDevices, ...other], from: T0, until: T0 + 10 * MIN, script, silent: (id, at) => downs.has(id) && at >= downs.get(id)! }));
    expect(signals.map((s) => `${s.alertType} ${s.subject.groupId}`)).toEqual(['site.mass-outage dl9']);
  });

  it('fixture check: the cut’s public-point devices are lane and gate cameras', () => {
    expect(cut.filter((d) => d.buildingId === undefined).every((d) => d.kind === 'camera')).toBe(true);
    expect(CAM.buildingId).toBeUndefined();
  });
});
