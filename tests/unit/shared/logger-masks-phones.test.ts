/** Personal data is masked in logs: a phone number logged in any field shape keeps only its last four digits. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { createLogger } from '../../../services/shared/logger.ts';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, logger: createLogger('test', { level: 'info' }, sink) };
}

describe('the project logger', () => {
  it('masks phone numbers of staff, reports and callers, at the top and nested', () => {
    const { lines, logger } = capture();
    const member = loadRoster().staff.find((s) => s.id === 'sun-li')!;
    logger.info({ phone: '138-0000-0111' }, 'top level');
    logger.info({ member }, 'a staff member logged whole');
    logger.info({ report: { callerPhone: '13900001111', placeId: 'b1-u1' } }, 'a call');
    logger.info({ staff: { on: { phone: '137-0000-0311' } } }, 'two levels down');
    const all = lines.join('\n');
    for (const number of ['138-0000-0111', '13900001111', '137-0000-0311', member.phone!]) expect(all).not.toContain(number);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]!.phone).toBe('*********0111');
    expect((parsed[1]!.member as { phone: string; name: unknown }).phone).toBe('*********0111');
    expect((parsed[1]!.member as { name: unknown }).name).toEqual({ zh: '孙丽', en: 'Sun Li' });
    expect(parsed[2]!.report).toEqual({ callerPhone: '*******1111', placeId: 'b1-u1' });
    expect(parsed[3]!.staff).toEqual({ on: { phone: '*********0311' } });
  });

  it('masks e-mail addresses of people, at the top and nested, keeping the first letter and the domain', () => {
    const { lines, logger } = capture();
    logger.info({ email: 'sun.li@example.com' }, 'top level');
    logger.info({ person: { id: 'sun-li', email: 'sun.li@example.com', phone: '138-0000-0111' } }, 'a person logged whole');
    logger.info({ change: { after: { email: 'chen@example.org' } } }, 'two levels down');
    const all = lines.join('\n');
    expect(all).not.toContain('sun.li@');
    expect(all).not.toContain('chen@');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]!.email).toBe('s***@example.com');
    expect(parsed[1]!.person).toEqual({ id: 'sun-li', email: 's***@example.com', phone: '*********0111' });
    expect(parsed[2]!.change).toEqual({ after: { email: 'c***@example.org' } });
  });
});
