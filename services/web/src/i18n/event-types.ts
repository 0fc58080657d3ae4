import type { Lang } from './messages.ts';

/**
 * Device event and alert types in words, for the ticket page's linked events and anywhere a
 * type is shown to a person. An unknown type (a new device kind) is shown as sent.
 */
const EVENT_TYPES: Record<string, { zh: string; en: string }> = {
  'access.granted': { zh: '刷卡通过', en: 'card accepted' },
  'access.denied': { zh: '刷卡被拒', en: 'card refused' },
  'door.opened': { zh: '门已打开', en: 'door opened' },
  'door.open': { zh: '门已打开', en: 'door opened' },
  'door.closed': { zh: '门已关闭', en: 'door closed' },
  'door.close': { zh: '门已关闭', en: 'door closed' },
  'door.forced-open': { zh: '门被强行打开', en: 'door forced open' },
  'door.held-open': { zh: '门长时间未关', en: 'door held open' },
  'door.repeated-denied': { zh: '多次刷卡被拒', en: 'repeated refused cards' },
  'door.tamper': { zh: '门禁被破坏', en: 'door controller tampered with' },
  tamper: { zh: '设备被破坏', en: 'tampering' },
  'tamper.cover': { zh: '摄像头被遮挡', en: 'camera covered' },
  'tamper.blur': { zh: '摄像头画面模糊', en: 'camera blurred' },
  'video.loss': { zh: '视频信号丢失', en: 'video lost' },
  'video.restored': { zh: '视频信号恢复', en: 'video restored' },
  motion: { zh: '画面有移动', en: 'motion' },
  'camera.tamper': { zh: '摄像头被遮挡或模糊', en: 'camera covered or blurred' },
  'camera.video-loss': { zh: '视频信号丢失', en: 'video lost' },
  'camera.quiet-hours-motion': { zh: '夜间有移动', en: 'motion in quiet hours' },
  'drain.level': { zh: '水位读数', en: 'water level reading' },
  'drain.level-warning': { zh: '水位偏高', en: 'water level high' },
  'drain.level-critical': { zh: '水位危急', en: 'water level critical' },
  'drain.rapid-rise': { zh: '水位快速上涨', en: 'water rising fast' },
  'drain.dry-weather-rise': { zh: '无雨水位上涨（疑似油污堵塞）', en: 'rise in dry weather (grease?)' },
  'drain.sensor-fault': { zh: '水位传感器故障', en: 'level sensor fault' },
  'device.offline': { zh: '设备离线', en: 'device offline' },
  'site.storm': { zh: '暴雨事件', en: 'storm incident' },
  'camera.night-motion-digest': { zh: '夜间活动汇总', en: 'night motion digest' },
  'device.fault': { zh: '设备故障', en: 'device fault' },
  'device.recovered': { zh: '设备恢复', en: 'device recovered' },
  'device.events-lost': { zh: '设备事件丢失', en: 'device events lost' },
  'events.lost': { zh: '设备事件丢失', en: 'events lost' },
  heartbeat: { zh: '心跳', en: 'heartbeat' },
};

export function eventTypeName(type: string, lang: Lang): string {
  return EVENT_TYPES[type]?.[lang] ?? type;
}
