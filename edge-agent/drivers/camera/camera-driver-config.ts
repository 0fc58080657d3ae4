import { z } from 'zod';
import { parseDriverConfig } from '../shared/driver-config.ts';

/**
 * Settings of one ONVIF camera driver. Unknown keys are refused, so a typo
 * (`pasword`) is reported by name instead of silently using a default.
 */
export const cameraDriverConfigSchema = z.strictObject({
  /** The device service, e.g. http://192.168.1.64/onvif/device_service (https: for TLS). */
  url: z.string().refine((s) => {
    try {
      return ['http:', 'https:'].includes(new URL(s).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL'),
  username: z.string().min(1),
  /** ASCII only: the onvif package digests the password as 'ascii', which mangles other characters. */
  password: z.string().min(1).regex(/^[\x20-\x7e]+$/, 'must be printable ASCII'),
  /** Media profile whose snapshot URI goes on events; default: the first profile of the first video source. */
  profileToken: z.string().min(1).optional(),
  /** Zone reported for VideoSource/MotionAlarm, which (unlike a motion rule) names none. */
  motionZone: z.string().min(1).default('scene'),
  /** Bound on each request other than the long-polling PullMessages (which the onvif package bounds at 80 s). */
  requestTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  reconnectInitialMs: z.number().int().min(1).default(1_000),
  reconnectMaxMs: z.number().int().min(1).default(60_000),
  /** Device clock further off than this is a `device.fault` (OC_DEVICE_CLOCK_SKEW). */
  clockToleranceMs: z.number().int().min(1_000).default(10_000),
  /** How long close() waits for the camera to acknowledge Unsubscribe. */
  unsubscribeTimeoutMs: z.number().int().min(0).default(2_000),
});

export type CameraDriverConfig = z.output<typeof cameraDriverConfigSchema>;
export type CameraDriverConfigInput = z.input<typeof cameraDriverConfigSchema>;

/** Validates raw settings (from a file or the environment); throws OC_CONFIG_INVALID naming each bad key. */
export function parseCameraDriverConfig(raw: unknown, source = 'camera driver config'): CameraDriverConfig {
  return parseDriverConfig(cameraDriverConfigSchema, raw, source, { initial: 'reconnectInitialMs', max: 'reconnectMaxMs' });
}
