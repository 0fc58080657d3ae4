import { describe, expect, it } from 'vitest';
import type { DeviceAgent } from '../../../edge-agent/agent-api.ts';
import { ClockSkew, roundTripOffset } from '../../../edge-agent/drivers/door/clock-skew.ts';
import { parseDoorDriverConfig } from '../../../edge-agent/drivers/door/config.ts';
import { toPlatformEvent } from '../../../edge-agent/drivers/door/event-mapping.ts';
import { FaultEpisodes } from '../../../edge-agent/drivers/door/fault-episodes.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';

class RecordingAgent implements DeviceAgent {
  readonly deviceId = 'dl8-b1-u1-door';
  readonly kind = 'door' as const;
  readonly events: Array<{ type: string; data: Record<string, unknown> }> = [];
  emitEvent(type: string, data: Record<string, unknown>): Envelope {
    this.events.push({ type, data });
    return {} as Envelope;
  }
  emitTelemetry(): Envelope {
    throw new Error('a door driver sends no telemetry');
  }
  onConfig(): void {}
  stats() {
    return { connected: true, produced: 0, acknowledged: 0, pending: 0, reconnects: 0 };
  }
}

describe('door driver: controller events → platform events', () => {
  it('pseudonymises card numbers with the site key and converts milliseconds to seconds', () => {
    const event = { seq: 1, time: '2026-07-15T12:00:00Z' };
    expect(toPlatformEvent({ ...event, type: 'card.denied', reader: 'out', card: '3141592653', reason: 'expired' }, 'k-123456789')).toEqual({
      type: 'access.denied',
      data: { cardHash: pseudonymiseCard('k-123456789', '3141592653'), reader: 'out', reason: 'expired' },
    });
    expect(toPlatformEvent({ ...event, type: 'alarm.held', openMs: 61_250, thresholdMs: 60_000 }, 'k')).toEqual({
      type: 'door.held-open',
      data: { openSeconds: 61.3, thresholdSeconds: 60 },
    });
    // A different site key gives a different pseudonym for the same card.
    const a = toPlatformEvent({ ...event, type: 'card.granted', reader: 'in', card: '42' }, 'site-a-key');
    const b = toPlatformEvent({ ...event, type: 'card.granted', reader: 'in', card: '42' }, 'site-b-key');
    expect(a.data.cardHash).not.toBe(b.data.cardHash);
    expect(JSON.stringify(a)).not.toContain('"42"');
  });
});

describe('door driver: clock skew', () => {
  it('flags an offset beyond tolerance, corrects times while flagged, and clears only within half the tolerance', () => {
    const skew = new ClockSkew(5_000);
    expect(skew.observe(4_000)).toBe('unchanged');
    expect(skew.correct(100_000)).toBe(100_000);
    expect(skew.observe(-6_000)).toBe('became-skewed');
    expect(skew.correct(100_000)).toBe(106_000);
    expect(skew.describe()).toContain('6 s behind');
    expect(skew.observe(3_000)).toBe('unchanged');
    expect(skew.isSkewed).toBe(true);
    expect(skew.observe(2_000)).toBe('became-ok');
    expect(skew.correct(100_000)).toBe(100_000);
  });

  it('measures a round trip from its midpoint', () => {
    expect(roundTripOffset(10_500, 1_000, 2_000)).toBe(9_000);
  });
});

describe('door driver: fault episodes', () => {
  it('reports one device.fault per episode and device.recovered with its length', () => {
    const agent = new RecordingAgent();
    const clock = new ManualClock(1_000);
    const faults = new FaultEpisodes(agent, clock, silentLogger());
    expect(faults.status()).toEqual({ state: 'connecting', faults: 0 });
    faults.ok();
    faults.fault('OC_DEVICE_UNREACHABLE', 'refused');
    clock.advance(2_500);
    faults.fault('OC_DEVICE_TIMEOUT', 'silent');
    expect(faults.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_TIMEOUT', faults: 1 });
    faults.ok();
    faults.ok();
    expect(agent.events).toEqual([
      { type: 'device.fault', data: { code: 'OC_DEVICE_UNREACHABLE', reason: 'refused' } },
      { type: 'device.recovered', data: { faultSeconds: 2.5 } },
    ]);
    expect(faults.status()).toEqual({ state: 'ok', faults: 1, lastOkAt: 3_500 });
  });
});

describe('door driver: config', () => {
  const good = { baseUrl: 'http://10.0.8.21:8080', username: 'admin', password: 'x', siteKey: 'site-key-1' };

  it('fills defaults for a minimal config', () => {
    expect(parseDoorDriverConfig(good)).toMatchObject({ ...good, requestTimeoutMs: 5_000, idleTimeoutMs: 30_000, clockToleranceMs: 5_000 });
  });

  it.each([
    [{ baseUrl: 'ftp://x' }, 'baseUrl'],
    [{ siteKey: 'short' }, 'siteKey'],
    [{ idleTimeoutMs: 'soon' }, 'idleTimeoutMs'],
    [{ reconnectInitialMs: 5_000, reconnectMaxMs: 1_000 }, 'reconnectMaxMs'],
    [{ pasword: 'typo' }, 'pasword'],
  ])('names the bad key: %j', (override, key) => {
    let caught: unknown;
    try {
      parseDoorDriverConfig({ ...good, ...override }, 'door driver dl8-b1-u1-door');
    } catch (err) {
      caught = err;
    }
    expect(isOcError(caught, 'OC_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain(`door driver dl8-b1-u1-door: ${key}`);
    expect((caught as { details: { keys: string[] } }).details.keys).toContain(key);
  });
});
