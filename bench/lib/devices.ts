import { createHash } from 'node:crypto';
import { buildEnvelope } from '../../edge-agent/envelope-builder.ts';
import { DEVICE_KINDS, type DeviceKind } from '../../services/shared/envelope.ts';
import { deviceTopic } from '../../services/shared/topics.ts';
import type { LoginSpec, PublisherSpec } from './messages.ts';

export interface BenchDevice {
  id: string;
  kind: DeviceKind;
}

/** The simulated fleet: ids stable across processes, kinds in rotation. */
export function benchDevices(count: number): BenchDevice[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `bench-dev-${String(i).padStart(5, '0')}`,
    kind: DEVICE_KINDS[i % DEVICE_KINDS.length]!,
  }));
}

/**
 * Every device has its own secret, derived from its id so that the broker process
 * (which stores only the hash) and the load process (which logs in) agree without
 * passing 5,000 secrets around. Bench-only: real secrets are random.
 */
export function benchSecret(deviceId: string): string {
  return createHash('sha256').update(`opencompound-bench:${deviceId}`).digest('base64url');
}

export function loginOf(device: BenchDevice): LoginSpec {
  return { clientId: device.id, username: device.id, password: benchSecret(device.id) };
}

/** A valid envelope of the device's kind on its own event topic: the gateway checks all of it. */
export function publisherOf(device: BenchDevice): PublisherSpec {
  const { payload } = buildEnvelope({
    deviceId: device.id,
    kind: device.kind,
    type: `${device.kind}.bench`,
    seq: 0,
    timeMs: Date.now(),
    data: { note: 'benchmark message', value: 42 },
  });
  return { ...loginOf(device), topic: deviceTopic(device.id, 'event'), payloadBase64: payload.toString('base64') };
}
