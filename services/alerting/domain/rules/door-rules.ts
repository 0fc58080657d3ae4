/**
 * Door controllers: forced open, held open, repeated denied cards, tamper.
 *
 * The controller decides "forced" (it knows the grant and the contact); the rules
 * turn it into an alert and pair it with door.closed. "Held open" fires on whichever
 * comes first: the controller's own alarm, or the site's N seconds (`door.heldOpenMs`,
 * per device or site) since door.opened, so the threshold is the desk's to set and a
 * controller that never alarms (or alarms late) is still caught. door.closed clears it.
 */
import type { AlertSignal } from '../model.ts';
import { deviceTimeOf, numberField, stringField, type EnvelopeObservation } from './observations.ts';
import type { DeviceRuleContext } from './rule-context.ts';
import { deviceSignal, fingerprintFor, minutes, placeLabel, tickEventId } from './signals.ts';

export interface DoorState {
  forcedActive: boolean;
  heldActive: boolean;
  /** Device times of recent denials, within the window. */
  denied: number[];
  deniedCards: string[];
  deniedActive: boolean;
  /** Service time of the last denial, for the quiet window that clears the alert. */
  lastDeniedAt?: number;
  /** Service time of door.opened while the door has not closed since: the held-open timer. */
  openedAt?: number;
}

const stateKey = (deviceId: string) => `door/${deviceId}`;

function load(ctx: DeviceRuleContext): DoorState {
  return ctx.state.get<DoorState>(stateKey(ctx.device.deviceId)) ?? { forcedActive: false, heldActive: false, denied: [], deniedCards: [], deniedActive: false };
}

export function observeDoor(ctx: DeviceRuleContext, o: EnvelopeObservation): AlertSignal[] {
  const st = load(ctx);
  const out: AlertSignal[] = [];
  const place = placeLabel(ctx.device);
  const data = o.envelope.data;
  const fire = (type: Parameters<typeof deviceSignal>[1], zh: string, en: string, details: Record<string, unknown>) =>
    out.push(deviceSignal('fire', type, ctx.device, o.at, o.eventId, { zh: `${place.zh}：${zh}`, en: `${place.en}: ${en}` }, { deviceTime: o.envelope.ts, ...details }));
  const clear = (type: Parameters<typeof deviceSignal>[1], zh: string, en: string, details: Record<string, unknown>) =>
    out.push(deviceSignal('clear', type, ctx.device, o.at, o.eventId, { zh: `${place.zh}：${zh}`, en: `${place.en}: ${en}` }, { deviceTime: o.envelope.ts, ...details }));

  switch (o.envelope.type) {
    case 'door.opened':
      // A repeated report of the same opening keeps the first time.
      st.openedAt ??= o.at;
      break;
    case 'door.forced-open':
      // Still open from the last alarm: the same break-in, not a new one.
      if (!st.forcedActive) {
        st.forcedActive = true;
        fire('door.forced-open', '门被强行打开，请保安立即到场', 'door forced open, send a guard now', { reason: stringField(data, 'reason') });
      }
      break;
    case 'door.held-open':
      // A forced door standing open is the break-in's ticket, already with a guard; not a second one.
      if (!st.heldActive && !st.forcedActive) {
        st.heldActive = true;
        const openSeconds = numberField(data, 'openSeconds');
        fire('door.held-open', `门长时间未关（${openSeconds ?? '?'}秒）`, `door held open (${openSeconds ?? '?'} s)`, {
          openSeconds,
          thresholdSeconds: numberField(data, 'thresholdSeconds'),
        });
      }
      break;
    case 'door.closed': {
      const openSeconds = numberField(data, 'openSeconds');
      delete st.openedAt;
      // Closed does not mean safe after a forced opening; the ticket waits for a person (autoResolve false).
      if (st.forcedActive) {
        st.forcedActive = false;
        clear('door.forced-open', '被强行打开的门已关闭，仍需现场确认', 'forced door closed again, still check on site', { openSeconds });
      }
      if (st.heldActive) {
        st.heldActive = false;
        clear('door.held-open', `门已关闭（开启 ${openSeconds ?? '?'} 秒）`, `door closed after ${openSeconds ?? '?'} s`, { openSeconds });
      }
      break;
    }
    case 'access.denied': {
      const s = ctx.settings.door;
      const t = deviceTimeOf(o);
      const keep = st.denied.map((at, i) => [at, i] as const).filter(([at]) => at > t - s.deniedWindowMs && at <= t);
      st.denied = [...keep.map(([at]) => at), t];
      st.deniedCards = [...keep.map(([, i]) => st.deniedCards[i] ?? ''), stringField(data, 'cardHash') ?? ''];
      st.lastDeniedAt = o.at;
      if (!st.deniedActive && st.denied.length >= s.deniedCount) {
        st.deniedActive = true;
        const n = st.denied.length;
        const distinctCards = new Set(st.deniedCards.filter((c) => c !== '')).size;
        const window = minutes(s.deniedWindowMs);
        fire('door.repeated-denied', `${window}分钟内 ${n} 次刷卡被拒（${distinctCards} 张卡）`, `${n} denied cards within ${window} min (${distinctCards} distinct cards)`, {
          deniedCount: n,
          distinctCards,
          cardHashes: [...new Set(st.deniedCards.filter((c) => c !== ''))],
          lastReason: stringField(data, 'reason'),
          lastReader: stringField(data, 'reader'),
          windowMs: s.deniedWindowMs,
          threshold: s.deniedCount,
        });
      }
      break;
    }
    case 'tamper':
      // The controller reports a tamper once and never an "end": every report is a new occurrence,
      // and nothing clears it but the technician who closes the ticket.
      fire('door.tamper', '门禁控制器被拆动', 'door controller tampered with', { reason: stringField(data, 'reason') });
      break;
    default:
      return [];
  }
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/** Time-driven door rules: the site's held-open threshold, and the quiet window that clears repeated denials. */
export function tickDoor(ctx: DeviceRuleContext, now: number): AlertSignal[] {
  const st = ctx.state.get<DoorState>(stateKey(ctx.device.deviceId));
  if (!st) return [];
  const out = [...heldOpenByTimer(ctx, st, now), ...deniedQuiet(ctx, st, now)];
  if (out.length > 0) ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

function heldOpenByTimer(ctx: DeviceRuleContext, st: DoorState, now: number): AlertSignal[] {
  const heldOpenMs = ctx.settings.door.heldOpenMs;
  if (st.heldActive || st.forcedActive || st.openedAt === undefined || now - st.openedAt < heldOpenMs) return [];
  st.heldActive = true;
  const place = placeLabel(ctx.device);
  const openSeconds = Math.round((now - st.openedAt) / 1000);
  const id = tickEventId(fingerprintFor(ctx.device, 'door.held-open'), now);
  return [
    deviceSignal('fire', 'door.held-open', ctx.device, now, id, { zh: `${place.zh}：门长时间未关（${openSeconds}秒）`, en: `${place.en}: door held open (${openSeconds} s)` }, {
      openSeconds,
      thresholdSeconds: heldOpenMs / 1000,
      openedAt: st.openedAt,
    }),
  ];
}

function deniedQuiet(ctx: DeviceRuleContext, st: DoorState, now: number): AlertSignal[] {
  if (!st.deniedActive || st.lastDeniedAt === undefined) return [];
  const quietMs = ctx.settings.door.deniedQuietMs;
  if (now - st.lastDeniedAt < quietMs) return [];
  st.deniedActive = false;
  st.denied = [];
  st.deniedCards = [];
  const place = placeLabel(ctx.device);
  const id = tickEventId(fingerprintFor(ctx.device, 'door.repeated-denied'), now);
  const quiet = minutes(quietMs);
  return [
    deviceSignal('clear', 'door.repeated-denied', ctx.device, now, id, { zh: `${place.zh}：${quiet}分钟内无刷卡被拒`, en: `${place.en}: no denied card for ${quiet} min` }, {
      lastDeniedAt: st.lastDeniedAt,
      quietMs,
    }),
  ];
}
