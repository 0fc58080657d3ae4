/** Cameras: tamper (cover, blur), video loss, and motion during a zone's quiet hours. */
import type { AlertSignal } from '../model.ts';
import { deviceTimeOf, numberField, stringField, type EnvelopeObservation } from './observations.ts';
import type { DeviceRuleContext } from './rule-context.ts';
import { minuteOfDay, type DailySpan, type RuleSettings } from './settings.ts';
import { deviceSignal, fingerprintFor, minutes, tickEventId } from './signals.ts';

export interface CameraState {
  videoLost: boolean;
  motionActive: boolean;
  /** Service time of the last quiet-hours motion, for the clear. */
  lastMotionAt?: number;
  /** Service time of the last quiet-hours-motion fire, for the debounce. */
  lastFiredAt?: number;
  /** This episode's motion already fired as lingering. */
  lingering?: boolean;
  /** Quiet-hours motion events seen in this episode, per zone: lingering is staying in one place. */
  episodeBursts?: Record<string, number>;
}

const stateKey = (deviceId: string) => `camera/${deviceId}`;

function load(ctx: DeviceRuleContext): CameraState {
  return ctx.state.get<CameraState>(stateKey(ctx.device.deviceId)) ?? { videoLost: false, motionActive: false };
}

export function observeCamera(ctx: DeviceRuleContext, o: EnvelopeObservation): AlertSignal[] {
  const st = load(ctx);
  const name = ctx.device.name;
  const data = o.envelope.data;
  const out: AlertSignal[] = [];
  const signal = (action: 'fire' | 'clear', type: Parameters<typeof deviceSignal>[1], zh: string, en: string, details: Record<string, unknown>) =>
    out.push(deviceSignal(action, type, ctx.device, o.at, o.eventId, { zh: `${name.zh}${zh}`, en: `${name.en} ${en}` }, { deviceTime: o.envelope.ts, ...details }));

  switch (o.envelope.type) {
    case 'tamper.cover':
    case 'tamper.blur': {
      // No camera reports the end of a tamper: each report is an occurrence, cleared by the technician.
      const cover = o.envelope.type === 'tamper.cover';
      signal('fire', 'camera.tamper', cover ? '镜头被遮挡' : '画面被模糊（疑似喷涂或移焦）', cover ? 'lens covered' : 'image blurred (sprayed or defocused)', {
        mode: cover ? 'cover' : 'blur',
        confidence: numberField(data, 'confidence'),
        snapshotUri: stringField(data, 'snapshotUri'),
      });
      break;
    }
    case 'video.loss':
      if (!st.videoLost) {
        st.videoLost = true;
        signal('fire', 'camera.video-loss', '视频信号丢失', 'video signal lost', { reason: stringField(data, 'reason') });
      }
      break;
    case 'video.restored':
      if (st.videoLost) {
        st.videoLost = false;
        const downSeconds = numberField(data, 'downSeconds');
        signal('clear', 'camera.video-loss', '视频信号已恢复', 'video back', { downSeconds });
      }
      break;
    case 'motion': {
      const s = ctx.settings.camera;
      const zone = stringField(data, 'zone') ?? '';
      const confidence = numberField(data, 'confidence') ?? 1;
      const t = deviceTimeOf(o);
      const span = quietSpanFor(s, zone);
      if (confidence < s.motionMinConfidence || span === undefined || !inSpan(t, s.utcOffsetMin, span)) return [];
      st.lastMotionAt = o.at;
      const debounced = st.lastFiredAt !== undefined && o.at - st.lastFiredAt < s.motionDebounceMs;
      const starts = !st.motionActive && !debounced;
      if (starts) st.episodeBursts = {};
      const bursts = (st.episodeBursts ??= {});
      if (st.motionActive || starts) bursts[zone] = (bursts[zone] ?? 0) + 1;
      // Seen again and again in one zone long after the episode began: somebody stays, worth a look in the morning.
      const lingers =
        !starts && st.motionActive && !st.lingering && st.lastFiredAt !== undefined && o.at - st.lastFiredAt >= s.motionLingerMs && (bursts[zone] ?? 0) >= s.motionLingerBursts;
      if (starts || lingers) {
        if (starts) {
          st.motionActive = true;
          st.lastFiredAt = o.at;
        }
        const lingering = lingers || s.motionLingerBursts <= 1;
        st.lingering = lingering;
        const hours = `${span.from}-${span.to}`;
        // The zone as people call it: its Chinese name in Chinese (the id only for a zone the site does not know).
        const zoneName = ctx.device.zones?.find((z) => z.id === zone)?.name ?? { zh: zone, en: zone };
        const stay = lingers ? { zh: `，已持续${minutes(o.at - st.lastFiredAt!)}分钟`, en: ` for ${minutes(o.at - st.lastFiredAt!)} min` } : { zh: '', en: '' };
        signal('fire', 'camera.quiet-hours-motion', `在静默时段（${hours}）的「${zoneName.zh}」区域检测到活动${stay.zh}`, `saw motion in zone "${zoneName.en}" during quiet hours (${hours})${stay.en}`, {
          zone,
          confidence,
          snapshotUri: stringField(data, 'snapshotUri'),
          localTime: localHHMM(t, s.utcOffsetMin),
          quietHours: span,
          lingering,
        });
      }
      break;
    }
    default:
      return [];
  }
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/** Quiet-hours motion clears after `motionClearMs` without any. */
export function tickCamera(ctx: DeviceRuleContext, now: number): AlertSignal[] {
  const st = ctx.state.get<CameraState>(stateKey(ctx.device.deviceId));
  if (!st?.motionActive || st.lastMotionAt === undefined) return [];
  const clearMs = ctx.settings.camera.motionClearMs;
  if (now - st.lastMotionAt < clearMs) return [];
  st.motionActive = false;
  st.lingering = false;
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  const name = ctx.device.name;
  const quiet = minutes(clearMs);
  const id = tickEventId(fingerprintFor(ctx.device, 'camera.quiet-hours-motion'), now);
  return [
    deviceSignal('clear', 'camera.quiet-hours-motion', ctx.device, now, id, { zh: `${name.zh}：${quiet}分钟内无活动`, en: `${name.en}: no motion for ${quiet} min` }, {
      lastMotionAt: st.lastMotionAt,
    }),
  ];
}

/** The zone's quiet hours; undefined when the zone has none ('off', or from == to). */
function quietSpanFor(s: RuleSettings['camera'], zone: string): DailySpan | undefined {
  const span = s.zoneQuietHours[zone] ?? s.quietHours;
  if (span === 'off' || span.from === span.to) return undefined;
  return span;
}

const DAY_MIN = 24 * 60;

function localMinute(t: number, utcOffsetMin: number): number {
  const m = Math.floor(t / 60_000) + utcOffsetMin;
  return ((m % DAY_MIN) + DAY_MIN) % DAY_MIN;
}

/** `from` inclusive, `to` exclusive; a span with from > to runs over midnight. */
export function inSpan(t: number, utcOffsetMin: number, span: DailySpan): boolean {
  const m = localMinute(t, utcOffsetMin);
  const from = minuteOfDay(span.from);
  const to = minuteOfDay(span.to);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

function localHHMM(t: number, utcOffsetMin: number): string {
  const m = localMinute(t, utcOffsetMin);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
