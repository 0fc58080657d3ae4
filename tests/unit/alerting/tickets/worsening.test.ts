import { describe, expect, it } from 'vitest';
import { applySignal } from '../../../../services/alerting/domain/tickets/index.ts';
import { fakeContext, MIN, ok, openTicket, signal, T0 } from './fixtures.ts';

const FP = 'dl8/dl8-drain-m3/drain.level';
const warning = { fingerprint: FP, alertType: 'drain.level-warning', priority: 'P2', retitle: true, summary: { zh: 'M3号检查井水位 70%（预警）', en: 'Manhole M3 level 70% (warning)' } } as const;
const critical = { ...warning, alertType: 'drain.level-critical', priority: 'P1', summary: { zh: 'M3号检查井水位 97%（危险）', en: 'Manhole M3 level 97% (critical)' } } as const;
const overflowing = { ...critical, summary: { zh: 'M3号检查井满溢（危险）', en: 'Manhole M3 overflowing (critical)' } } as const;

describe('a ticket follows the worst state its condition reached', () => {
  it('warning → critical → overflowing is one ticket whose type, title and priority follow, each step on the timeline', () => {
    const ctx = fakeContext();
    const opened = openTicket(ctx, warning);
    const worse = ok(applySignal(opened, signal(critical), T0 + 5 * MIN, ctx));
    expect(worse.ticket).toMatchObject({ id: opened.id, alertType: 'drain.level-critical', priority: 'P1', title: critical.summary });
    expect(worse.entries.map((e) => e.action)).toEqual(['re-fired', 'priority-raised']);
    expect(worse.entries[0]!.data).toMatchObject({ worsened: { fromAlertType: 'drain.level-warning', fromTitle: warning.summary, alertType: 'drain.level-critical', title: critical.summary } });
    // Within a second of the last entry: a repeat would be collapsed, getting worse never is.
    const over = ok(applySignal(worse.ticket, signal(overflowing), T0 + 5 * MIN + 500, ctx));
    expect(over.ticket.title).toEqual(overflowing.summary);
    expect(over.entries.map((e) => e.action)).toEqual(['re-fired']);
    expect(over.ticket.priority).toBe('P1');
  });

  it('a fire without retitle keeps the title the ticket opened with', () => {
    const ctx = fakeContext();
    const opened = openTicket(ctx, warning);
    const again = ok(applySignal(opened, signal({ ...critical, retitle: undefined }), T0 + 5 * MIN, ctx));
    expect(again.ticket.title).toEqual(warning.summary);
    expect(again.ticket.alertType).toBe('drain.level-warning');
  });
});
