/** Test harness for the rules engine: reference-site devices, observation builders, a step runner. */
import type { AlertSignal, DeviceContext, Observation } from '../../../../services/alerting/domain/model.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import type { RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { MemoryRuleStateStore, type RuleStateStore } from '../../../../services/alerting/domain/rules/state-store.ts';
import { toDeviceContext } from '../../../../services/alerting/device-context.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';

export const placed = listDevices(loadSite());

export const siteDevices: DeviceContext[] = placed.map(toDeviceContext);

export function device(id: string): DeviceContext {
  const d = siteDevices.find((x) => x.deviceId === id);
  if (!d) throw new Error(`no device ${id} in the reference site`);
  return d;
}

/** 10:00 local time in Jinan on a summer day: outside the default quiet hours. */
export const T0 = Date.parse('2026-07-15T10:00:00+08:00');
export const SEC = 1000;
export const MIN = 60_000;
export const HOUR = 3_600_000;
/** Service time lags device time a little (network, broker, log). */
export const LAG_MS = 300;

export type Step =
  | { at: number; device: string; type: string; data?: Record<string, unknown>; id?: string; deviceTs?: number }
  | { at: number; device: string; status: 'online' | 'offline'; source?: string; id?: string }
  | { tick: number };

/** An engine, a store and per-device counters to build observations as the service would hand them over. */
export class Harness {
  readonly engine: RuleEngine;
  private readonly seqs = new Map<string, number>();

  constructor(
    devices: readonly DeviceContext[] = siteDevices,
    overrides: RuleSettingsOverrides = {},
    public store: RuleStateStore = new MemoryRuleStateStore(),
  ) {
    this.engine = new RuleEngine(devices, overrides);
  }

  observation(step: Exclude<Step, { tick: number }>): Observation {
    const seq = this.seqs.get(step.device) ?? 0;
    this.seqs.set(step.device, seq + 1);
    const eventId = step.id ?? `${step.device}#${seq}`;
    if ('status' in step) {
      return { kind: 'status', deviceId: step.device, state: step.status, source: step.source ?? 'will', eventId, at: step.at };
    }
    const kind = step.device.includes('drain') ? 'drain' : step.device.includes('cam') ? 'camera' : 'door';
    const channel = step.type === 'drain.level' || step.type === 'agent.heartbeat' ? 'telemetry' : 'event';
    return {
      kind: 'envelope',
      channel,
      eventId,
      at: step.at,
      envelope: { v: 1, id: eventId, deviceId: step.device, kind, type: step.type, ts: new Date(step.deviceTs ?? step.at - LAG_MS).toISOString(), seq, data: step.data ?? {} },
    };
  }

  step(step: Step): AlertSignal[] {
    return 'tick' in step ? this.engine.tick(this.store, step.tick) : this.engine.observe(this.store, this.observation(step));
  }

  run(steps: readonly Step[]): AlertSignal[] {
    return steps.flatMap((s) => this.step(s));
  }
}

/** What the tables compare: action, type, subject, and time in seconds after T0. */
export const brief = (s: AlertSignal): string => `${s.action} ${s.alertType} ${s.subject.deviceId ?? s.subject.groupId} @${Math.round((s.at - T0) / SEC)}s`;

export const stepTime = (s: Step): number => ('tick' in s ? s.tick : s.at);

/** Steps in time order (stable for equal times), as a service would see them. */
export const inOrder = (steps: readonly Step[]): Step[] => [...steps].sort((a, b) => stepTime(a) - stepTime(b));

/**
 * The steps plus a heartbeat from each of `deviceIds` every minute over their
 * time span, so a table about one rule family is not also about device.offline.
 */
export function keepAlive(steps: readonly Step[], deviceIds: readonly string[]): Step[] {
  if (steps.length === 0) return [];
  const times = steps.map(stepTime);
  const from = Math.min(...times);
  const until = Math.max(...times);
  const beats: Step[] = [];
  for (const id of deviceIds) for (let at = from; at <= until; at += MIN) beats.push({ at, device: id, type: 'agent.heartbeat', data: { uptimeS: 1, pending: 0, reconnects: 0 } });
  return inOrder([...beats, ...steps]);
}

/**
 * A stretch of time on the reference site: every device heartbeats once a
 * minute (phases spread over the minute) unless `silent` says it is down,
 * the service ticks every `tickMs`, and the scripted steps happen in between.
 */
export function siteTimeline(opts: {
  devices: readonly DeviceContext[];
  from: number;
  until: number;
  script?: readonly Step[];
  silent?: (deviceId: string, at: number) => boolean;
  tickMs?: number;
}): Step[] {
  const steps: Step[] = [...(opts.script ?? [])];
  // A drain whose levels the script gives reports only those.
  const scriptedLevels = new Set(steps.flatMap((s) => ('type' in s && s.type === 'drain.level' ? [s.device] : [])));
  opts.devices.forEach((d, i) => {
    const phase = (i * 997) % MIN;
    for (let at = opts.from + phase, k = 0; at <= opts.until; at += MIN, k++) {
      if (opts.silent?.(d.deviceId, at)) continue;
      steps.push({ at, device: d.deviceId, type: 'agent.heartbeat', data: { uptimeS: 1, pending: 0, reconnects: 0 } });
      // Drain sensors also report a low, jittering dry-weather level, so they are neither stale nor stuck.
      if (d.kind === 'drain' && d.depthMm !== undefined && !scriptedLevels.has(d.deviceId)) {
        const levelMm = 150 + [0, 3, -2, 1, -1][k % 5]!;
        steps.push({ at, device: d.deviceId, type: 'drain.level', data: { levelMm, distanceMm: d.depthMm - levelMm, depthMm: d.depthMm, batteryPct: 80, rssiDbm: -95, overflow: false } });
      }
    }
  });
  for (let t = opts.from; t <= opts.until; t += opts.tickMs ?? 10 * SEC) steps.push({ tick: t });
  return inOrder(steps);
}
