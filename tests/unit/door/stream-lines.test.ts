import { describe, expect, it } from 'vitest';
import { isOcError } from '../../../services/shared/errors.ts';
import { parseStreamLine } from '../../../edge-agent/drivers/door/line-parser.ts';
import { LineSplitter } from '../../../edge-agent/drivers/door/line-splitter.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return isOcError(err) ? err.code : 'not an OcError';
  }
  return undefined;
};

describe('door event stream: line splitting', () => {
  it('joins lines across chunks, including a UTF-8 character cut in two', () => {
    const splitter = new LineSplitter(1024);
    const bytes = Buffer.from('{"reason":"门"}\r\n\n{"b":2}\n{"c":', 'utf8');
    const cut = bytes.indexOf(Buffer.from('门')) + 1;
    expect(splitter.push(bytes.subarray(0, cut))).toEqual([]);
    expect(splitter.push(bytes.subarray(cut))).toEqual(['{"reason":"门"}', '{"b":2}']);
    expect(splitter.partialBytes).toBe(5);
    expect(splitter.push(Buffer.from('3}\n'))).toEqual(['{"c":3}']);
  });

  it('refuses a line longer than the limit before it ends', () => {
    const splitter = new LineSplitter(16);
    expect(codeOf(() => splitter.push(Buffer.alloc(17, 0x61)))).toBe('OC_DEVICE_MALFORMED_RESPONSE');
  });
});

describe('door event stream: line parsing', () => {
  it('reads keepalives and known events, keeping only the fields the type defines', () => {
    expect(parseStreamLine('{"type":"keepalive","time":"2026-07-15T12:00:00Z","headSeq":7}')).toEqual({
      kind: 'keepalive',
      timeMs: Date.parse('2026-07-15T12:00:00Z'),
      headSeq: 7,
    });
    const line = parseStreamLine('{"seq":3,"time":"2026-07-15T20:00:00+08:00","type":"card.granted","reader":"in","card":"123","pin":"9999"}');
    expect(line).toEqual({
      kind: 'event',
      timeMs: Date.parse('2026-07-15T12:00:00Z'),
      event: { seq: 3, time: '2026-07-15T20:00:00+08:00', type: 'card.granted', reader: 'in', card: '123' },
    });
  });

  it('never quotes a broken line, which could hold a raw card number', () => {
    let message = '';
    try {
      parseStreamLine('{"seq":9,"time":"2026-07-15T12:00:00Z","type":"card.granted","reader":"in","card":"31415926');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('not JSON');
    expect(message).not.toContain('31415926');
  });

  it('tells an unknown type and bad fields (skippable: the seq is known) from garbage (not skippable)', () => {
    expect(parseStreamLine('{"seq":4,"time":"2026-07-15T12:00:00Z","type":"lift.arrived"}')).toEqual({ kind: 'unknown-event', seq: 4, type: 'lift.arrived' });
    const bad = parseStreamLine('{"seq":5,"time":"2026-07-15T12:00:00Z","type":"door.close","openMs":-3}');
    expect(bad).toMatchObject({ kind: 'invalid-event', seq: 5, type: 'door.close' });
    expect(bad.kind === 'invalid-event' && bad.problem).toContain('openMs');
    for (const garbage of ['not json', '[1,2]', '{"type":"tamper","reason":"x","time":"2026-07-15T12:00:00Z"}', '{"seq":6,"time":"2026-07-15 12:00","type":"tamper","reason":"x"}', '{"type":"keepalive","headSeq":1}']) {
      expect(codeOf(() => parseStreamLine(garbage)), garbage).toBe('OC_DEVICE_MALFORMED_RESPONSE');
    }
  });
});
