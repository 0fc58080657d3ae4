import { describe, expect, it } from 'vitest';
import { eventTypeName } from '../../../services/web/src/i18n/event-types.ts';
import { formatDateTime } from '../../../services/web/src/i18n/messages.ts';

describe('event types in the reader language', () => {
  it('names the forced door in Chinese and English, never as the raw type', () => {
    expect(eventTypeName('door.forced-open', 'zh')).toBe('门被强行打开');
    expect(eventTypeName('door.forced-open', 'en')).toBe('door forced open');
  });

  it('names every type the simulated devices send in Chinese', () => {
    const sent = ['access.granted', 'access.denied', 'door.opened', 'door.closed', 'door.forced-open', 'door.held-open', 'door.tamper', 'tamper.cover', 'tamper.blur', 'video.loss', 'video.restored', 'motion', 'drain.level', 'device.fault', 'device.recovered', 'events.lost'];
    for (const type of sent) expect(eventTypeName(type, 'zh'), type).not.toBe(type);
  });

  it('shows an unknown type as sent', () => {
    expect(eventTypeName('lift.stuck', 'zh')).toBe('lift.stuck');
  });
});

describe('formatDateTime', () => {
  it('always carries the date, so a 24-hour shift reads 12-07 08:00 – 12-08 08:00, not 08:00 – 08:00', () => {
    const start = Date.parse('2026-12-07T00:00:00Z');
    const end = start + 24 * 3_600_000;
    expect(formatDateTime(start, 'en')).not.toBe(formatDateTime(end, 'en'));
    expect(formatDateTime(start, 'en')).toMatch(/\d\d\/\d\d \d\d:\d\d|\d\d-\d\d \d\d:\d\d/);
  });
});
