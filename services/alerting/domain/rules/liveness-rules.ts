/**
 * Device offline and compound mass outage.
 *
 * A device goes down on a status `offline` (any source) or when nothing at all
 * has come from it for `heartbeatTimeoutMs` (service time, checked by tick).
 * device.offline waits `graceMs`: a device back within the grace raises
 * nothing, and a power or network cut taking many devices of one compound at
 * once becomes ONE site.mass-outage instead of a storm of device.offline.
 *
 * Order within one tick matters: heartbeat timeouts are marked first, then a
 * mass outage is looked for, and only then do the remaining devices past their
 * grace fire device.offline, so members of an outage are never fired and then
 * grouped in the same tick.
 */
import type { AlertSignal, Bilingual, DeviceContext } from '../model.ts';
import type { EnvelopeObservation, StatusObservation } from './observations.ts';
import type { RuleSettings } from './settings.ts';
import { compoundSubject, deviceSignal, fingerprintFor, makeSignal, minutes, tickEventId } from './signals.ts';
import type { RuleStateStore } from './state-store.ts';
import { fingerprintOf } from '../model.ts';

export interface DownState {
  /** Service time the device went down: the status time, or last message + heartbeat timeout. */
  since: number;
  cause: 'status' | 'heartbeat';
  /** The status source (will, keepalive-timeout, ...). */
  source?: string;
  eventId: string;
  /** device.offline has fired for this outage of the device. */
  fired: boolean;
  /** Counted in the compound's mass outage: its own device.offline is held back. */
  inOutage: boolean;
  /**
   * Where its grace counts from, when not `since`: the end of the outage it was part of.
   * Devices come back from a power cut one after another; the last few must not each fire
   * device.offline the moment the grouped ticket clears.
   */
  graceFrom?: number;
}

export interface LivenessState {
  /** Service time of the last message of any kind. */
  lastSeenAt?: number;
  down?: DownState;
}

export interface OutageState {
  members: string[];
  firedAt: number;
  /** Members whose own device.offline had already fired before the group was seen. */
  alreadyReported: string[];
}

export interface CompoundGroup {
  compoundId: string;
  communityId: string;
  /** For messages; the id when the site gave none. */
  name: Bilingual;
  devices: readonly DeviceContext[];
  /** Site and compound settings: the mass-outage thresholds. */
  settings: RuleSettings;
}

const liveKey = (deviceId: string) => `live/${deviceId}`;
const outageKey = (compoundId: string) => `outage/${compoundId}`;

export class LivenessRules {
  constructor(
    private readonly compounds: ReadonlyMap<string, CompoundGroup>,
    private readonly settingsOf: (deviceId: string) => RuleSettings,
  ) {}

  /** Status offline marks the device down; anything else from it marks it up. */
  observe(state: RuleStateStore, device: DeviceContext, o: StatusObservation | EnvelopeObservation): AlertSignal[] {
    const live = state.get<LivenessState>(liveKey(device.deviceId)) ?? {};
    if (o.kind === 'status' && o.state === 'offline') {
      // A message stamped after this status means the status is the stale one (topics are read independently).
      if (live.down || (live.lastSeenAt !== undefined && live.lastSeenAt > o.at)) return [];
      this.markDown(state, device, live, { since: o.at, cause: 'status', source: o.source, eventId: o.eventId });
      return [];
    }
    // A message from before the device went down (a late read of another topic) is no sign of life.
    if (live.down && o.at < live.down.since) return [];
    live.lastSeenAt = Math.max(live.lastSeenAt ?? o.at, o.at);
    const down = live.down;
    delete live.down;
    state.set(liveKey(device.deviceId), live);
    if (!down) return [];
    const out: AlertSignal[] = [];
    if (down.fired) {
      const offFor = minutes(o.at - down.since);
      out.push(
        deviceSignal('clear', 'device.offline', device, o.at, o.eventId, { zh: `${device.name.zh}已恢复在线（离线约 ${offFor} 分钟）`, en: `${device.name.en} back online after about ${offFor} min` }, {
          offlineSince: down.since,
          offlineMs: o.at - down.since,
          cause: down.cause,
          source: down.source,
        }),
      );
    }
    if (down.inOutage) out.push(...this.maybeEndOutage(state, device.compoundId, o.at, o.eventId));
    return out;
  }

  tick(state: RuleStateStore, now: number, silentSince: number): AlertSignal[] {
    const out: AlertSignal[] = [];
    for (const group of this.compounds.values()) {
      for (const device of group.devices) {
        const live = state.get<LivenessState>(liveKey(device.deviceId)) ?? {};
        if (live.down) continue;
        const lastSeenAt = live.lastSeenAt ?? silentSince;
        const timeout = this.settingsOf(device.deviceId).offline.heartbeatTimeoutMs;
        if (now - lastSeenAt >= timeout) {
          const since = lastSeenAt + timeout;
          this.markDown(state, device, live, { since, cause: 'heartbeat', eventId: tickEventId(fingerprintFor(device, 'device.offline'), now) });
        }
      }
      out.push(...this.maybeStartOutage(state, group, now));
      for (const device of group.devices) {
        const live = state.get<LivenessState>(liveKey(device.deviceId));
        if (live?.down && !live.down.fired && !live.down.inOutage && now - (live.down.graceFrom ?? live.down.since) >= this.settingsOf(device.deviceId).offline.graceMs) {
          out.push(this.fireOffline(state, device, live, live.down, now));
        }
      }
    }
    return out;
  }

  /** True while the device is down (offline, whether or not anything has fired yet). */
  isDown(state: RuleStateStore, deviceId: string): boolean {
    return state.get<LivenessState>(liveKey(deviceId))?.down !== undefined;
  }

  private markDown(state: RuleStateStore, device: DeviceContext, live: LivenessState, down: Omit<DownState, 'fired' | 'inOutage'>): void {
    const outage = state.get<OutageState>(outageKey(device.compoundId));
    // While the compound's outage lasts, devices dropping out are taken to be part of it.
    if (outage && !outage.members.includes(device.deviceId)) {
      outage.members.push(device.deviceId);
      state.set(outageKey(device.compoundId), outage);
    }
    live.down = { ...down, fired: false, inOutage: outage !== undefined };
    state.set(liveKey(device.deviceId), live);
  }

  private fireOffline(state: RuleStateStore, device: DeviceContext, live: LivenessState, down: DownState, at: number): AlertSignal {
    down.fired = true;
    live.down = down;
    state.set(liveKey(device.deviceId), live);
    const timeout = this.settingsOf(device.deviceId).offline.heartbeatTimeoutMs;
    const cause = down.cause === 'heartbeat' ? { zh: `${minutes(timeout)}分钟无任何消息`, en: `no message for ${minutes(timeout)} min` } : statusCause(down.source);
    return deviceSignal('fire', 'device.offline', device, at, down.cause === 'status' ? down.eventId : tickEventId(fingerprintFor(device, 'device.offline'), at), {
      zh: `${device.name.zh}离线（${cause.zh}）`,
      en: `${device.name.en} offline (${cause.en})`,
    }, {
      offlineSince: down.since,
      cause: down.cause,
      source: down.source,
      lastSeenAt: live.lastSeenAt,
    });
  }

  /**
   * Looks for at least max(minDevices, minShare x compound size) devices that
   * went down within `windowMs` of each other and are still down, once the
   * earliest of them has waited out its grace (so a gateway restart, with every
   * device back within seconds, raises nothing).
   */
  private maybeStartOutage(state: RuleStateStore, group: CompoundGroup, now: number): AlertSignal[] {
    if (state.get<OutageState>(outageKey(group.compoundId))) return [];
    const m = group.settings.massOutage;
    const threshold = Math.max(m.minDevices, Math.ceil(m.minShare * group.devices.length));
    const downs = group.devices
      .map((device) => ({ device, down: state.get<LivenessState>(liveKey(device.deviceId))?.down }))
      .filter((x): x is { device: DeviceContext; down: DownState } => x.down !== undefined)
      .sort((a, b) => a.down.since - b.down.since);
    const cluster = largestCluster(downs, m.windowMs);
    if (cluster.length < threshold) return [];
    const first = cluster[0]!;
    if (now - first.down.since < this.settingsOf(first.device.deviceId).offline.graceMs) return [];

    const alreadyReported = cluster.filter((x) => x.down.fired).map((x) => x.device.deviceId);
    for (const { device } of cluster) {
      const live = state.get<LivenessState>(liveKey(device.deviceId))!;
      live.down!.inOutage = true;
      state.set(liveKey(device.deviceId), live);
    }
    const members = cluster.map((x) => x.device.deviceId);
    state.set<OutageState>(outageKey(group.compoundId), { members, firedAt: now, alreadyReported });

    const where = whereText(cluster.map((x) => x.device));
    const window = minutes(m.windowMs);
    const n = cluster.length;
    const fingerprint = fingerprintOf(group.compoundId, group.compoundId, 'site.mass-outage');
    return [
      makeSignal({
        action: 'fire',
        alertType: 'site.mass-outage',
        subject: compoundSubject(group.communityId, group.compoundId),
        at: now,
        eventId: tickEventId(fingerprint, now),
        summary: {
          zh: `${group.name.zh}：${n} 台设备在 ${window} 分钟内离线（${where.zh}），疑似停电或网络中断`,
          en: `${group.name.en}: ${n} devices offline within ${window} min (${where.en}), possible power or network cut`,
        },
        details: {
          offlineCount: n,
          compoundDeviceCount: group.devices.length,
          threshold,
          windowMs: m.windowMs,
          deviceIds: members,
          buildingIds: buildingIdsOf(cluster.map((x) => x.device)),
          publicPointCount: cluster.filter((x) => x.device.buildingId === undefined).length,
          suppressedDeviceOffline: n - alreadyReported.length,
          alreadyReported,
          firstOfflineAt: first.down.since,
          lastOfflineAt: cluster[cluster.length - 1]!.down.since,
        },
      }),
    ];
  }

  /** Ends the outage once `clearShare` of its devices are back; the rest get their own grace from now, then device.offline. */
  private maybeEndOutage(state: RuleStateStore, compoundId: string, at: number, eventId: string): AlertSignal[] {
    const outage = state.get<OutageState>(outageKey(compoundId));
    const group = this.compounds.get(compoundId);
    if (!outage || !group) return [];
    const stillDown = outage.members.filter((id) => this.isDown(state, id));
    const back = outage.members.length - stillDown.length;
    if (back < group.settings.massOutage.clearShare * outage.members.length) return [];
    state.delete(outageKey(compoundId));
    const n = outage.members.length;
    const out: AlertSignal[] = [
      makeSignal({
        action: 'clear',
        alertType: 'site.mass-outage',
        subject: compoundSubject(group.communityId, compoundId),
        at,
        eventId,
        summary: {
          zh: `${group.name.zh}：${back}/${n} 台设备已恢复在线，大面积离线解除`,
          en: `${group.name.en}: ${back} of ${n} devices back online, mass outage over`,
        },
        details: { offlineCount: n, backCount: back, stillOffline: stillDown, startedAt: outage.firedAt },
      }),
    ];
    for (const id of stillDown) {
      const live = state.get<LivenessState>(liveKey(id))!;
      live.down!.inOutage = false;
      // tick fires device.offline for those still down a grace after the outage's end.
      live.down!.graceFrom = at;
      state.set(liveKey(id), live);
    }
    return out;
  }
}

/** The most devices whose down times fit in one window (downs sorted by time). */
function largestCluster<T extends { down: DownState }>(downs: readonly T[], windowMs: number): T[] {
  let best: T[] = [];
  let start = 0;
  for (let end = 0; end < downs.length; end++) {
    while (downs[end]!.down.since - downs[start]!.down.since > windowMs) start++;
    if (end - start + 1 > best.length) best = downs.slice(start, end + 1);
  }
  return best;
}

function buildingIdsOf(devices: readonly DeviceContext[]): string[] {
  return [...new Set(devices.flatMap((d) => (d.buildingId === undefined ? [] : [d.buildingId])))].sort();
}

/** Which buildings (by name) and how many public points (gates, lanes, manholes) the outage covers. */
function whereText(devices: readonly DeviceContext[]): Bilingual {
  const names = new Map<string, Bilingual>();
  for (const d of devices) if (d.buildingId !== undefined) names.set(d.buildingId, d.buildingName ?? { zh: `楼栋 ${d.buildingId}`, en: `building ${d.buildingId}` });
  const buildings = buildingIdsOf(devices).map((id) => names.get(id)!);
  const points = devices.filter((d) => d.buildingId === undefined).length;
  const zh: string[] = [];
  const en: string[] = [];
  if (buildings.length > 0) {
    zh.push(buildings.map((b) => b.zh).join('、'));
    en.push(buildings.map((b) => b.en).join(', '));
  }
  if (points > 0) {
    zh.push(`公共点位设备 ${points} 台`);
    en.push(`${points} public-point device${points > 1 ? 's' : ''}`);
  }
  return { zh: zh.join('，'), en: en.join('; ') };
}

function statusCause(source: string | undefined): Bilingual {
  switch (source) {
    case 'will':
      return { zh: '连接意外中断', en: 'connection lost' };
    case 'keepalive-timeout':
      return { zh: '连接保活超时', en: 'keepalive timed out' };
    case 'disconnect':
      return { zh: '设备断开连接', en: 'disconnected' };
    case 'connection-lost':
      return { zh: '连接中断（未正常断开）', en: 'connection dropped without a disconnect' };
    case 'gateway-shutdown':
      return { zh: '网关关闭', en: 'gateway shut down' };
    case 'device':
      return { zh: '设备报告离线', en: 'device reported offline' };
    default:
      return { zh: `状态离线：${source ?? '未知'}`, en: `status offline: ${source ?? 'unknown'}` };
  }
}
