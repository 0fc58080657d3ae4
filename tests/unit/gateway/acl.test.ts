import { describe, expect, it } from 'vitest';
import { authorizeDevicePublish, authorizeDeviceSubscribe } from '../../../services/gateway/acl.ts';

describe('device publish ACL', () => {
  it.each([
    ['oc/v1/dl8-cam-01/event', 'event'],
    ['oc/v1/dl8-cam-01/telemetry', 'telemetry'],
    ['oc/v1/dl8-cam-01/status', 'status'],
  ])('allows its own %s', (topic, channel) => {
    expect(authorizeDevicePublish('dl8-cam-01', topic)).toEqual({ allowed: true, value: channel });
  });

  it.each([
    ['oc/v1/dl8-cam-02/event', 'may not publish for dl8-cam-02'],
    ['oc/v1/dl8-cam-01/config', 'config is published by the platform only'],
    ['oc/v1/dl8-cam-01/event/extra', 'is not a device topic'],
    ['oc/v2/dl8-cam-01/event', 'is not a device topic'],
    ['$SYS/broker/uptime', 'is not a device topic'],
    ['oc/v1/dl8-cam-01/unknown', 'is not a device topic'],
    ['oc/v1//event', 'is not a device topic'],
  ])('denies %s', (topic, reason) => {
    const decision = authorizeDevicePublish('dl8-cam-01', topic);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) {
      expect(decision.code).toBe('OC_ACL_PUBLISH_DENIED');
      expect(decision.reason).toContain(reason);
    }
  });
});

describe('device subscribe ACL', () => {
  it('allows exactly its own config topic', () => {
    expect(authorizeDeviceSubscribe('dl8-m1', 'oc/v1/dl8-m1/config').allowed).toBe(true);
  });
  it.each(['oc/v1/+/config', 'oc/v1/dl8-m1/#', 'oc/v1/dl8-m2/config', '#', 'oc/v1/dl8-m1/event'])('denies %s', (filter) => {
    const decision = authorizeDeviceSubscribe('dl8-m1', filter);
    expect(decision).toMatchObject({ allowed: false, code: 'OC_ACL_SUBSCRIBE_DENIED' });
  });
});
