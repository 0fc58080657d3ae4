import { z } from 'zod';
import { durationMs as ms, parseDriverConfig } from '../shared/driver-config.ts';

const schema = z
  .object({
    /** `http://host:port` of the controller; https works the same way through node:https. */
    baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
    username: z.string().min(1),
    password: z.string().min(1),
    /** HMAC key for card pseudonyms; one per site, so the desk can follow a card across doors. */
    siteKey: z.string().min(8, 'must be at least 8 characters'),
    /** Each login, info, time request must be answered within this. */
    requestTimeoutMs: ms(100, 120_000).default(5_000),
    /** The stream must carry a line (event or keepalive) at least this often. */
    idleTimeoutMs: ms(100, 600_000).default(30_000),
    /** The controller's clock may be this far from the agent's before it is a fault. */
    clockToleranceMs: ms(0, 24 * 3600_000).default(5_000),
    reconnectInitialMs: ms(1, 600_000).default(1_000),
    reconnectMaxMs: ms(1, 3_600_000).default(30_000),
    maxLineBytes: ms(256, 1024 * 1024).default(64 * 1024),
  })
  .strict();

export type DoorDriverConfig = z.output<typeof schema>;
export type DoorDriverConfigInput = z.input<typeof schema>;

/** Validates driver settings; a problem is reported as OC_CONFIG_INVALID naming the key. */
export function parseDoorDriverConfig(raw: unknown, source = 'door driver'): DoorDriverConfig {
  return parseDriverConfig(schema, raw, source, { initial: 'reconnectInitialMs', max: 'reconnectMaxMs' });
}
