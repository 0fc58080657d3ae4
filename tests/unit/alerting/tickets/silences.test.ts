import { describe, expect, it } from 'vitest';
import { findSilence, SILENCE_MAX_MS, validateSilence, type Silence, type SilenceInput, type SilenceMatcher } from '../../../../services/alerting/domain/silences.ts';
import { HOUR, MIN, T0, signal } from './fixtures.ts';

const DAY = 24 * HOUR;
const silence = (id: string, matcher: SilenceMatcher, startsAt = T0, endsAt = T0 + HOUR): Silence => ({
  id,
  matcher,
  startsAt,
  endsAt,
  createdBy: 'op-1',
  reason: 'pump maintenance',
});

describe('findSilence', () => {
  // The fixture signal: device dl8-m1, compound dl8-c1, community dianliu-8, drain.level-warning, drainage.
  it.each<[string, SilenceMatcher, boolean]>([
    ['device', { deviceId: 'dl8-m1' }, true],
    ['other device', { deviceId: 'dl8-m2' }, false],
    ['compound', { compoundId: 'dl8-c1' }, true],
    ['community', { communityId: 'dianliu-8' }, true],
    ['other community', { communityId: 'dianliu-1' }, false],
    ['alert type', { alertType: 'drain.level-warning' }, true],
    ['category', { category: 'drainage' }, true],
    ['other category', { category: 'security' }, false],
    ['all fields match', { deviceId: 'dl8-m1', compoundId: 'dl8-c1', alertType: 'drain.level-warning' }, true],
    ['one of several fields differs', { deviceId: 'dl8-m1', alertType: 'drain.level-critical' }, false],
    ['empty matcher never matches', {}, false],
  ])('%s → %s', (_name, matcher, expected) => {
    expect(findSilence(signal(), [silence('s', matcher)], T0 + MIN)?.id).toBe(expected ? 's' : undefined);
  });

  it.each([
    [T0 - 1, false],
    [T0, true],
    [T0 + HOUR - 1, true],
    [T0 + HOUR, false],
  ])('active window at %d → %s', (now, expected) => {
    expect(findSilence(signal(), [silence('s', { deviceId: 'dl8-m1' })], now) !== undefined).toBe(expected);
  });

  it('a device silence does not cover a group (mass-outage) signal', () => {
    const group = signal({ subject: { deviceId: undefined, groupId: 'dl8-c1-power', communityId: 'dianliu-8', compoundId: 'dl8-c1', buildingId: undefined, placeId: undefined } });
    expect(findSilence(group, [silence('s', { deviceId: 'dl8-m1' })], T0)).toBeUndefined();
    expect(findSilence(group, [silence('c', { compoundId: 'dl8-c1' })], T0)?.id).toBe('c');
  });

  it('of several, returns the one ending last', () => {
    const list = [silence('short', { compoundId: 'dl8-c1' }, T0, T0 + HOUR), silence('long', { deviceId: 'dl8-m1' }, T0, T0 + 3 * HOUR), silence('other', { deviceId: 'x' }, T0, T0 + 9 * HOUR)];
    expect(findSilence(signal(), list, T0 + MIN)?.id).toBe('long');
  });
});

describe('validateSilence', () => {
  const base: SilenceInput = { id: 'sil-1', matcher: { deviceId: 'dl8-m1' }, endsAt: T0 + 2 * HOUR, createdBy: 'op-1', reason: 'drain cleaning' };

  it('accepts a valid silence, starting now by default', () => {
    expect(validateSilence(base, T0)).toEqual({ ok: true, silence: { ...base, startsAt: T0 } });
  });

  it('accepts a scheduled maintenance window of exactly 30 days', () => {
    const r = validateSilence({ ...base, startsAt: T0 + DAY, endsAt: T0 + DAY + SILENCE_MAX_MS }, T0);
    expect(r.ok).toBe(true);
  });

  it.each<[string, Partial<SilenceInput> & Record<string, unknown>, string]>([
    ['no matcher field', { matcher: {} }, 'matcher'],
    ['blank matcher value', { matcher: { deviceId: ' ' } }, 'matcher.deviceId'],
    ['unknown matcher field', { matcher: { buildingId: 'b1' } as SilenceMatcher }, 'matcher.buildingId'],
    ['unknown alert type', { matcher: { alertType: 'drain.explosion' } as unknown as SilenceMatcher }, 'matcher.alertType'],
    ['unknown category', { matcher: { category: 'weather' } as unknown as SilenceMatcher }, 'matcher.category'],
    ['ends before it starts', { startsAt: T0 + HOUR, endsAt: T0 + HOUR - 1 }, 'endsAt'],
    ['ends when it starts', { startsAt: T0 + HOUR, endsAt: T0 + HOUR }, 'endsAt'],
    ['already over', { startsAt: T0 - 2 * HOUR, endsAt: T0 - HOUR }, 'endsAt'],
    ['longer than 30 days', { endsAt: T0 + SILENCE_MAX_MS + 1 }, 'endsAt'],
    ['no reason', { reason: '  ' }, 'reason'],
    ['no author', { createdBy: '' }, 'createdBy'],
    ['no id', { id: '' }, 'id'],
  ])('%s → error on %s', (_name, over, field) => {
    const r = validateSilence({ ...base, ...over } as SilenceInput, T0);
    expect(r).toMatchObject({ ok: false, error: { code: 'OC_SILENCE_INVALID', field } });
  });
});
