import { z } from 'zod';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { durationMs as ms, parseDriverConfig } from '../shared/driver-config.ts';

const schema = z
  .object({
    /** The sensor's Modbus TCP endpoint (the sensor itself or the radio gateway in front of it). */
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(502),
    unitId: z.number().int().min(0).max(255).default(1),
    /** Surveyed manhole depth, sensor face to invert; level = depth - distance. From the site model. */
    depthMm: z.number().int().min(100).max(30_000),
    /** Poll period while the water is low. */
    pollIntervalMs: ms(10, 3_600_000).default(60_000),
    /** Poll period once the level reached `fastAboveShare` of depth: a storm can fill a manhole in minutes. */
    fastPollIntervalMs: ms(10, 3_600_000).default(15_000),
    fastAboveShare: z.number().min(0).max(1).default(0.5),
    connectTimeoutMs: ms(10, 120_000).default(5_000),
    requestTimeoutMs: ms(10, 120_000).default(3_000),
    /** Back-off after a lost link or a refused request; doubles up to the max. */
    retryInitialMs: ms(1, 600_000).default(1_000),
    retryMaxMs: ms(1, 3_600_000).default(60_000),
    /** The sensor's clock may be this far from the agent's before it is a fault. */
    clockToleranceMs: ms(0, 24 * 3600_000).default(60_000),
    /** Set the sensor's clock (FC 16) when it is off by more than the tolerance. */
    syncClock: z.boolean().default(true),
    /** A distance up to this much beyond the depth is echo noise off the invert and reads as empty. */
    distanceToleranceMm: ms(0, 1_000).default(50),
    /** Echoes weaker than this are not trusted (a spider web, foam, a wet sensor face). */
    minEchoQualityPct: ms(0, 100).default(10),
  })
  .strict();

export type DrainDriverConfig = z.output<typeof schema>;
export type DrainDriverConfigInput = z.input<typeof schema>;

/** Validates driver settings; a problem is reported as OC_CONFIG_INVALID naming the key. */
export function parseDrainDriverConfig(raw: unknown, source = 'drain driver'): DrainDriverConfig {
  return parseDriverConfig(schema, raw, source, { initial: 'retryInitialMs', max: 'retryMaxMs' });
}

/** Driver settings for a manhole of the site model: the depth comes from the survey, the rest from `settings`. */
export function drainDriverConfigFor(device: PlacedDevice, settings: Omit<DrainDriverConfigInput, 'depthMm'>): DrainDriverConfig {
  return parseDrainDriverConfig({ ...settings, depthMm: device.depthMm }, `drain driver for ${device.id}`);
}
