/**
 * Signals about the platform itself rather than a device: a consumer of the event log that
 * one record holds up. They go to the IoT team (category device-fault), like a broken device.
 */
import type { AlertSignal, DeviceContext } from '../model.ts';
import { deviceSignal, makeSignal } from './signals.ts';

export interface StuckConsumer {
  consumer: string;
  /** Log position of the record it is stuck on. */
  record: string;
  error: string | undefined;
}

/** The subject is the site's (first) compound as a whole, grouped by the consumer's name. */
export function consumerStuckSignal(devices: readonly DeviceContext[], stuck: StuckConsumer, action: AlertSignal['action'], at: number): AlertSignal {
  const anchor = devices[0];
  const communityId = anchor?.communityId ?? 'platform';
  const compoundId = anchor?.compoundId ?? 'platform';
  return makeSignal({
    action,
    alertType: 'platform.consumer-stuck',
    subject: { deviceId: undefined, groupId: `consumer:${stuck.consumer}`, communityId, compoundId, buildingId: undefined, placeId: undefined },
    at,
    eventId: `consumer-stuck:${stuck.consumer}:${stuck.record}:${action}`,
    summary:
      action === 'fire'
        ? { zh: `平台服务 ${stuck.consumer} 卡在记录 ${stuck.record}，请物联网组处理`, en: `${stuck.consumer} is stuck on record ${stuck.record}` }
        : { zh: `平台服务 ${stuck.consumer} 已恢复`, en: `${stuck.consumer} moves again` },
    details: { consumer: stuck.consumer, record: stuck.record, error: stuck.error },
  });
}

/** What the gateway found wrong with a device that no rule sees: it is cloned, or it keeps sending junk. */
export const GATEWAY_VERDICTS = {
  OC_CLIENT_ID_CONFLICT: { zh: '两个连接争用同一设备编号（设备被克隆？）', en: 'two connections fight over its client id (a cloned device?)' },
  OC_DEAD_LETTER_BUDGET: { zh: '持续发送无法处理的数据', en: 'keeps sending messages that cannot be processed' },
} as const;

export type GatewayVerdict = keyof typeof GATEWAY_VERDICTS;

export const isGatewayVerdict = (code: unknown): code is GatewayVerdict => typeof code === 'string' && Object.hasOwn(GATEWAY_VERDICTS, code);

/** A device-fault ticket for the IoT team from a gateway verdict. */
export function gatewayVerdictSignal(device: DeviceContext, code: GatewayVerdict, reason: string, at: number, eventId: string): AlertSignal {
  const what = GATEWAY_VERDICTS[code];
  return deviceSignal('fire', 'device.fault', device, at, eventId, { zh: `${device.name.zh}：${what.zh}`, en: `${device.name.en}: ${what.en}` }, { code, reason, source: 'gateway' });
}
