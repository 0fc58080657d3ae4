import { describe, expect, it } from 'vitest';
import { EventJournal } from '../../../simulators/protocols/door/event-journal.ts';
import { controllerEventFor, rawCardForHash } from '../../../simulators/protocols/door/model-feed.ts';

describe('simulated door controller: journal', () => {
  it('numbers events from 1, keeps the newest `capacity`, and answers `after(seq)` from what it kept', () => {
    const journal = new EventJournal(3);
    const seen: number[] = [];
    journal.subscribe((e) => seen.push(e.seq));
    for (let i = 0; i < 7; i++) journal.append({ type: 'exit.button' }, Date.parse('2026-07-15T12:00:00Z') + i);
    expect(journal.headSeq).toBe(7);
    expect(journal.oldestSeq).toBe(5);
    expect(journal.after(0).map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(journal.after(6).map((e) => [e.seq, e.time])).toEqual([[7, '2026-07-15T12:00:00.006Z']]);
    expect(journal.after(7)).toEqual([]);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('simulated door controller: behaviour-model outputs', () => {
  it('maps every door output type to a controller event, and nothing else', () => {
    const out = (type: string, data: Record<string, unknown> = {}) => controllerEventFor({ channel: 'event', type, data, at: 0 });
    expect(out('access.granted', { cardHash: 'abcdef0123456789', reader: 'in' })).toEqual({ type: 'card.granted', reader: 'in', card: rawCardForHash('abcdef0123456789') });
    expect(out('door.opened', { cause: 'forced' })).toEqual({ type: 'door.open', cause: 'forced' });
    expect(out('door.held-open', { openSeconds: 30, thresholdSeconds: 30 })).toEqual({ type: 'alarm.held', openMs: 30_000, thresholdMs: 30_000 });
    expect(out('door.forced-open', { reason: 'opened-without-grant' })).toEqual({ type: 'alarm.forced' });
    expect(out('exit.pressed')).toEqual({ type: 'exit.button' });
    expect(out('agent.heartbeat')).toBeUndefined();
  });

  it('invents one stable ten-digit raw card number per pseudonym', () => {
    expect(rawCardForHash('abcdef0123456789')).toBe(rawCardForHash('abcdef0123456789'));
    expect(rawCardForHash('abcdef0123456789')).not.toBe(rawCardForHash('0bcdef0123456789'));
    expect(rawCardForHash('ffffffff00000000')).toMatch(/^\d{10}$/);
  });
});
