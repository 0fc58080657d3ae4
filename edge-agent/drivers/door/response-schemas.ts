import { z } from 'zod';
import { formatIssues } from '../../../services/shared/config-error.ts';
import { OcError } from '../../../services/shared/errors.ts';
import type { InfoResponse, LoginResponse, TimeResponse } from './wire.ts';

const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

const loginSchema = z.object({ token: z.string().min(8).max(4096), expiresInS: z.number().int().min(1) });
const infoSchema = z.object({
  vendor: z.string(),
  model: z.string(),
  serialNumber: z.string(),
  firmware: z.string(),
  bootId: z.string().min(1),
  uptimeS: z.number().min(0),
  journal: z.object({ id: z.string().min(1).max(200), oldestSeq: seq, headSeq: seq, capacity: z.number().int().min(1) }),
});
const timeSchema = z.object({ time: z.string(), epochMs: z.number().int().min(0) });

function check<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new OcError('OC_DEVICE_MALFORMED_RESPONSE', `${what}: ${formatIssues(parsed.error.issues)}`);
  return parsed.data;
}

export const checkLogin = (raw: unknown): LoginResponse => check(loginSchema, raw, 'login answer');
export const checkInfo = (raw: unknown): InfoResponse => check(infoSchema, raw, 'info answer');
export const checkTime = (raw: unknown): TimeResponse => check(timeSchema, raw, 'time answer');
