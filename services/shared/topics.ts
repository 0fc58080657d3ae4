/** MQTT and log topic names from DESIGN.md "Contracts"; the only place they are spelled out. */

export const MQTT_PREFIX = 'oc/v1';

export type DeviceChannel = 'event' | 'telemetry' | 'status' | 'config';

export const deviceTopic = (deviceId: string, channel: DeviceChannel): string =>
  `${MQTT_PREFIX}/${deviceId}/${channel}`;

export interface ParsedDeviceTopic {
  deviceId: string;
  channel: DeviceChannel;
}

const CHANNELS: ReadonlySet<string> = new Set(['event', 'telemetry', 'status', 'config']);

/** Returns null for anything that is not exactly `oc/v1/{deviceId}/{channel}`. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== MQTT_PREFIX) return null;
  const deviceId = parts[2]!;
  const channel = parts[3]!;
  if (!isValidDeviceId(deviceId) || !CHANNELS.has(channel)) return null;
  return { deviceId, channel: channel as DeviceChannel };
}

/** Device ids are unique across the subdistrict and safe inside topics, file names and log keys. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/;

export const isValidDeviceId = (id: string): boolean => DEVICE_ID_PATTERN.test(id);

export const LOG_TOPICS = {
  events: 'oc.events',
  telemetry: 'oc.telemetry',
  status: 'oc.status',
  deadletter: 'oc.deadletter',
  alerts: 'oc.alerts',
  tickets: 'oc.tickets',
  notifications: 'oc.notifications',
  /** Configuration changes (issue 17), published by the config store's outbox, applied live by every service. */
  config: 'oc.config',
} as const;

export type LogTopic = (typeof LOG_TOPICS)[keyof typeof LOG_TOPICS];
