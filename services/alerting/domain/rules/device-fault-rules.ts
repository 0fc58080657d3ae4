/**
 * What an edge agent's driver says about the device behind it: faults, and
 * events the device lost before they were read.
 *
 * A driver sends `device.fault` {code, reason} once per fault episode and
 * `device.recovered` {faultSeconds} when the device answers properly again
 * (edge-agent/drivers/driver.ts). A fault raises nothing for `graceMs` (service
 * time, checked by tick): a device back within it (a restart, a dropped link
 * picked up again) pages nobody, as with the offline grace. Past the grace it
 * fires, and device.recovered clears it. A drain sensor already has one alert
 * for whatever is wrong with it, drain.sensor-fault, so there the fault is one
 * more of its reasons (drain-rules.ts); doors and cameras get device.fault.
 * While the agent itself is down, device.offline speaks for the device: a
 * pending fault waits until it is back, as the stale-sensor rule does.
 *
 * `events.lost` {fromSeq, toSeq, count}: a controller overwrote events before
 * the driver read them. Nothing brings them back and nothing ends it, so it
 * fires device.events-lost (P4) and never clears; a person checks the device's
 * own log. A gap reported again (a driver that restarted before it saved its
 * cursor finds it twice) is the same gap and fires nothing.
 */
import type { AlertSignal, Bilingual } from '../model.ts';
import { drainDeviceFault } from './drain-rules.ts';
import { numberField, stringField, type EnvelopeObservation } from './observations.ts';
import type { DeviceRuleContext } from './rule-context.ts';
import { deviceSignal, minutes } from './signals.ts';

interface FaultEpisode {
  /** Service time of the device.fault that opened it. */
  since: number;
  /** The latest code and reason the driver reported in this episode. */
  code: string | undefined;
  reason: string | undefined;
  /** Device time of the first report, for the desk. */
  deviceTime: string;
  /** The device.fault that opened it: the alert links to it, also when a tick fires it. */
  eventId: string;
  /** Past the grace: the alert has fired, so recovery clears it. */
  fired: boolean;
}

interface DeviceFaultState {
  episode?: FaultEpisode;
  /** The last gap events.lost reported, to know it when it comes again. */
  lastGap?: { fromSeq: number; toSeq: number };
}

const stateKey = (deviceId: string) => `device-fault/${deviceId}`;

/** The driver's error codes (services/shared/errors.ts) as the duty desk reads them. */
const CODE_TEXT: Record<string, Bilingual> = {
  OC_DEVICE_UNREACHABLE: { zh: '无法连接', en: 'unreachable' },
  OC_DEVICE_TIMEOUT: { zh: '无响应', en: 'not answering' },
  OC_DEVICE_AUTH_FAILED: { zh: '登录被拒绝', en: 'refuses the login' },
  OC_DEVICE_MALFORMED_RESPONSE: { zh: '应答异常', en: 'garbled answers' },
  OC_DEVICE_REFUSED: { zh: '拒绝请求', en: 'refuses requests' },
  OC_DEVICE_CLOCK_SKEW: { zh: '时钟偏差过大', en: 'clock is off' },
  OC_DEVICE_IMPLAUSIBLE_VALUE: { zh: '读数不可信', en: 'implausible readings' },
  OC_DEVICE_SENSOR_ERROR: { zh: '传感器自检故障', en: 'sensor reports an error' },
};

const codeText = (code: string | undefined): Bilingual => CODE_TEXT[code ?? ''] ?? { zh: `故障 ${code ?? '未知'}`, en: `fault ${code ?? 'unknown'}` };

function load(ctx: DeviceRuleContext): DeviceFaultState {
  return ctx.state.get<DeviceFaultState>(stateKey(ctx.device.deviceId)) ?? {};
}

export function observeDeviceFault(ctx: DeviceRuleContext, o: EnvelopeObservation): AlertSignal[] {
  const type = o.envelope.type;
  if (type !== 'device.fault' && type !== 'device.recovered' && type !== 'events.lost') return [];
  const st = load(ctx);
  const data = o.envelope.data;
  const out: AlertSignal[] = [];
  if (type === 'device.fault') {
    const code = stringField(data, 'code');
    const reason = stringField(data, 'reason');
    // Another report within an open episode says what is wrong now; the grace still counts from the first.
    st.episode = st.episode ? { ...st.episode, code, reason } : { since: o.at, code, reason, deviceTime: o.envelope.ts, eventId: o.eventId, fired: false };
    if (!st.episode.fired && o.at - st.episode.since >= ctx.settings.deviceFault.graceMs) out.push(...fireFault(ctx, st.episode, o.at));
  } else if (type === 'device.recovered') {
    const episode = st.episode;
    delete st.episode;
    // Unfired: a blip within the grace, which raised nothing and so has nothing to clear.
    if (episode?.fired) out.push(...clearFault(ctx, episode, o.at, o.eventId, numberField(data, 'faultSeconds')));
  } else {
    out.push(...eventsLost(ctx, st, o));
  }
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/** Fires a fault that outlasted its grace, unless the agent is down (device.offline covers that). */
export function tickDeviceFault(ctx: DeviceRuleContext, now: number, deviceDown: boolean): AlertSignal[] {
  const st = ctx.state.get<DeviceFaultState>(stateKey(ctx.device.deviceId));
  const episode = st?.episode;
  if (!st || !episode || episode.fired || deviceDown || now - episode.since < ctx.settings.deviceFault.graceMs) return [];
  const out = fireFault(ctx, episode, now);
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

function fireFault(ctx: DeviceRuleContext, episode: FaultEpisode, at: number): AlertSignal[] {
  episode.fired = true;
  const eventId = episode.eventId;
  const what = codeText(episode.code);
  const details = {
    code: episode.code,
    reason: episode.reason,
    faultSince: episode.since,
    faultDeviceTime: episode.deviceTime,
    graceMs: ctx.settings.deviceFault.graceMs,
  };
  if (ctx.device.kind === 'drain') return drainDeviceFault(ctx, true, at, eventId, details);
  const name = ctx.device.name;
  const forMin = minutes(at - episode.since);
  return [
    deviceSignal('fire', 'device.fault', ctx.device, at, eventId, {
      zh: `${name.zh}故障：${what.zh}（已持续 ${forMin} 分钟）`,
      en: `${name.en} fault: ${what.en} (for ${forMin} min)`,
    }, details),
  ];
}

function clearFault(ctx: DeviceRuleContext, episode: FaultEpisode, at: number, eventId: string, faultSeconds: number | undefined): AlertSignal[] {
  // The driver measured the episode on its own clock; the service's is the fallback.
  const faultMs = faultSeconds !== undefined ? faultSeconds * 1000 : at - episode.since;
  const details = { code: episode.code, reason: episode.reason, faultSince: episode.since, faultSeconds: faultSeconds ?? Math.round(faultMs / 1000) };
  if (ctx.device.kind === 'drain') return drainDeviceFault(ctx, false, at, eventId, details);
  const name = ctx.device.name;
  const forMin = minutes(faultMs);
  return [
    deviceSignal('clear', 'device.fault', ctx.device, at, eventId, {
      zh: `${name.zh}已恢复正常（故障约 ${forMin} 分钟）`,
      en: `${name.en} working again after about ${forMin} min`,
    }, details),
  ];
}

function eventsLost(ctx: DeviceRuleContext, st: DeviceFaultState, o: EnvelopeObservation): AlertSignal[] {
  const data = o.envelope.data;
  const fromSeq = numberField(data, 'fromSeq');
  const toSeq = numberField(data, 'toSeq');
  const count = numberField(data, 'count') ?? (fromSeq !== undefined && toSeq !== undefined ? toSeq - fromSeq + 1 : undefined);
  const last = st.lastGap;
  if (fromSeq !== undefined && toSeq !== undefined) {
    if (last && fromSeq >= last.fromSeq && toSeq <= last.toSeq) return [];
    st.lastGap = { fromSeq, toSeq };
  }
  const name = ctx.device.name;
  const n = count ?? '?';
  const range = fromSeq !== undefined && toSeq !== undefined ? `${fromSeq}–${toSeq}` : '?';
  return [
    deviceSignal('fire', 'device.events-lost', ctx.device, o.at, o.eventId, {
      zh: `${name.zh}丢失 ${n} 条事件（序号 ${range}），未及读取已被覆盖，请核对设备本地记录`,
      en: `${name.en} lost ${n} events (seq ${range}), overwritten before they were read; check the device's own log`,
    }, { fromSeq, toSeq, count, deviceTime: o.envelope.ts }),
  ];
}
