/**
 * The data of `drain.level` telemetry: one reading of a manhole's ultrasonic level
 * sensor. The behaviour model (simulators/models/drain.ts) and the real driver
 * (edge-agent/drivers/drain) both report exactly these fields, so the platform cannot
 * tell a simulated manhole from one read over Modbus.
 */
export interface DrainLevelData {
  /** Water above the invert: depthMm − distanceMm. */
  levelMm: number;
  /** Sensor to water surface, as measured. */
  distanceMm: number;
  /** Sensor to invert, from the site config. */
  depthMm: number;
  batteryPct: number;
  rssiDbm: number;
  /** The manhole is full to the top (the sensor's overflow flag). */
  overflow: boolean;
  /** So that it is an envelope's `data`, which is an open record. */
  [key: string]: unknown;
}
