import { describe, expect, it } from 'vitest';
import { parseDoorDriverConfig } from '../../../edge-agent/drivers/door/config.ts';
import { toPlatformEvent } from '../../../edge-agent/drivers/door/event-mapping.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';

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
