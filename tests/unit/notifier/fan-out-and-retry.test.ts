import { describe, expect, it } from 'vitest';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import type { Notification } from '../../../services/alerting/domain/tickets/types.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { channelsFileSchema } from '../../../services/notifier/channels-file.ts';
import { retryAfterMs } from '../../../services/notifier/channels/http-post.ts';
import { fanOut, type FanOutContext } from '../../../services/notifier/fan-out.ts';
import { quietUntil } from '../../../services/notifier/quiet-hours.ts';
import { DEFAULT_RETRY, nextDelayMs } from '../../../services/notifier/retry-policy.ts';

const roster = loadRoster();
const planner = new DispatchPlanner(roster);
// 2026-07-16 03:00 in China (UTC+8).
const NIGHT = Date.UTC(2026, 6, 15, 19, 0);
const channels = channelsFileSchema.parse({
  webhooks: [{ id: 'crm', url: 'http://127.0.0.1:9/hook', secret: 'x'.repeat(16) }],
  robots: [{ id: 'duty', kind: 'wecom', url: 'http://127.0.0.1:9/wecom?key=k' }],
  smtp: { url: 'smtp://127.0.0.1:25', from: 'oc@example.org' },
  people: { 'chen-gang': { email: 'chen@example.org', quietHours: { from: '22:00', to: '07:00' } } },
  departments: { 'city-management': { email: 'cm@example.org' } },
});
const ctx = (subs: Record<string, string[]> = {}): FanOutContext => ({
  planner,
  channels,
  publicUrl: 'https://desk.example',
  utcOffsetMin: 480,
  subscriptionsOf: (id) => (subs[id] ?? []).map((s) => ({ id: s, staffId: id, endpoint: `https://push/${s}`, keys: { p256dh: '', auth: '' }, label: s, createdAt: 0 })),
});
const note = (o: Partial<Notification>): Notification => ({ id: 'T1/v2/0', kind: 'ticket.dispatched', ticketId: 'T1', to: { staffId: 'chen-gang' }, at: NIGHT, priority: 'P1', message: { zh: '门', en: 'door' }, ...o });

describe('fan-out', () => {
  it('sends a P1 to every channel the person has at once, quiet hours or not', () => {
    const out = fanOut(note({}), NIGHT, ctx({ 'chen-gang': ['phone', 'tablet'] }));
    const personal = out.deliveries.filter((d) => d.recipient.kind === 'person');
    expect(personal.map((d) => `${d.channel}:${d.target}`)).toEqual(['push:phone', 'push:tablet', 'email:smtp']);
    expect(personal.every((d) => d.nextAttemptAt === NIGHT)).toBe(true);
    expect(out.deliveries.find((d) => d.channel === 'webhook')?.message.ticketUrl).toBe('https://desk.example/#/ticket/T1');
  });

  it('holds a P3 to a person until their quiet hours end (07:00 local)', () => {
    const out = fanOut(note({ priority: 'P3' }), NIGHT, ctx());
    const email = out.deliveries.find((d) => d.channel === 'email')!;
    expect(email.nextAttemptAt).toBe(Date.UTC(2026, 6, 15, 23, 0));
  });

  it('resolves the supervisor role to whoever is on shift now, and a person with no channel to a given-up delivery', () => {
    const out = fanOut(note({ kind: 'ticket.escalated', to: { role: 'supervisor' } }), NIGHT, ctx());
    const sup = planner.supervisorOnDuty(NIGHT)!;
    const none = out.deliveries.find((d) => d.channel === 'none')!;
    expect(none).toMatchObject({ recipient: { kind: 'person', id: sup.id }, status: 'given-up' });
    expect(out.receipts).toHaveLength(1);
    // Nobody named: the duty group's robot gets it too.
    expect(out.deliveries.some((d) => d.channel === 'wecom')).toBe(true);
  });

  it('gives a partner department its email', () => {
    const out = fanOut(note({ kind: 'ticket.transferred', to: { departmentId: 'city-management' } }), NIGHT, ctx());
    expect(out.deliveries.find((d) => d.channel === 'email')).toMatchObject({ recipient: { kind: 'department', id: 'city-management' }, address: 'cm@example.org' });
  });

  it('keys deliveries by notification, channel and recipient, so a replay maps onto the same ones', () => {
    const a = fanOut(note({}), NIGHT, ctx({ 'chen-gang': ['phone'] }));
    const b = fanOut(note({}), NIGHT + 5_000, ctx({ 'chen-gang': ['phone'] }));
    expect(b.deliveries.map((d) => d.id)).toEqual(a.deliveries.map((d) => d.id));
  });
});

describe('retry timing', () => {
  it('doubles the back-off with jitter in the upper half, capped, and lets a longer Retry-After win', () => {
    const p = { ...DEFAULT_RETRY, baseMs: 1000, maxDelayMs: 8000 };
    expect(nextDelayMs(p, 1, undefined, () => 0)).toBe(500);
    expect(nextDelayMs(p, 1, undefined, () => 1)).toBe(1000);
    expect(nextDelayMs(p, 3, undefined, () => 0)).toBe(2000);
    expect(nextDelayMs(p, 10, undefined, () => 1)).toBe(8000);
    expect(nextDelayMs(p, 1, 30_000, () => 0)).toBe(30_000);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', Date.UTC(2026, 9, 21, 7, 27, 0))).toBe(60_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('knows quiet hours across midnight', () => {
    const at = (h: number) => Date.UTC(2026, 0, 1, h - 8 < 0 ? h + 16 : h - 8) - (h - 8 < 0 ? 86_400_000 : 0);
    expect(quietUntil({ from: '22:00', to: '07:00' }, at(12), 480)).toBeUndefined();
    expect(quietUntil({ from: '22:00', to: '07:00' }, at(23), 480)).toBe(at(23) + 8 * 3_600_000);
  });
});
