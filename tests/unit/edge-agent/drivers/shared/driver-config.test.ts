import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { durationMs, parseDriverConfig } from '../../../../../edge-agent/drivers/shared/driver-config.ts';
import { isOcError } from '../../../../../services/shared/errors.ts';

const schema = z.strictObject({
  host: z.string().min(1),
  retryInitialMs: durationMs(1, 60_000).default(1_000),
  retryMaxMs: durationMs(1, 600_000).default(30_000),
});
const parse = (raw: unknown) => parseDriverConfig(schema, raw, 'test driver', { initial: 'retryInitialMs', max: 'retryMaxMs' });

function keysOf(raw: unknown): string[] {
  try {
    parse(raw);
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) return (err.details as { keys: string[] }).keys;
    throw err;
  }
  return [];
}

describe('driver config (shared by every driver)', () => {
  it('fills defaults', () => {
    expect(parse({ host: 'h' })).toEqual({ host: 'h', retryInitialMs: 1_000, retryMaxMs: 30_000 });
  });

  it('names the bad key: a typo, a fractional duration, a back-off ceiling below its start', () => {
    expect(keysOf({ host: 'h', hots: 'x' })).toEqual(['hots']);
    expect(keysOf({ host: 'h', retryInitialMs: 1.5 })).toEqual(['retryInitialMs']);
    expect(keysOf({ host: 'h', retryInitialMs: 5_000, retryMaxMs: 1_000 })).toEqual(['retryMaxMs']);
  });
});
