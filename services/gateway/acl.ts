import type { ErrorCode } from '../shared/errors.ts';
import { deviceTopic, parseDeviceTopic, type DeviceChannel } from '../shared/topics.ts';

/** What a device may do, as plain decisions the gateway hooks act on (DESIGN.md "Contracts"). */
export type AclDecision<T> = { allowed: true; value: T } | { allowed: false; code: ErrorCode; reason: string };

export type InboundChannel = Exclude<DeviceChannel, 'config'>;

/** A device publishes only event, telemetry and status, and only under its own id. */
export function authorizeDevicePublish(deviceId: string, topic: string): AclDecision<InboundChannel> {
  const parsed = parseDeviceTopic(topic);
  if (parsed === null) return deny('OC_ACL_PUBLISH_DENIED', `'${topic}' is not a device topic`);
  if (parsed.deviceId !== deviceId) {
    return deny('OC_ACL_PUBLISH_DENIED', `device ${deviceId} may not publish for ${parsed.deviceId}`);
  }
  if (parsed.channel === 'config') return deny('OC_ACL_PUBLISH_DENIED', 'config is published by the platform only');
  return { allowed: true, value: parsed.channel };
}

/** A device subscribes only to its own retained config; no wildcards. */
export function authorizeDeviceSubscribe(deviceId: string, filter: string): AclDecision<string> {
  if (filter === deviceTopic(deviceId, 'config')) return { allowed: true, value: filter };
  return deny('OC_ACL_SUBSCRIBE_DENIED', `device ${deviceId} may not subscribe to '${filter}'`);
}

const deny = (code: ErrorCode, reason: string) => ({ allowed: false as const, code, reason });
