/**
 * The drain level sensor's Modbus register map (README.md in this folder is the
 * human version). It is the device's published contract: the driver reads it,
 * the simulator serves it. Addresses are 0-based PDU addresses.
 */

/** Input registers (FC 04): the latest measurement and the device clock, read in one request. */
export const INPUT = {
  /** int16, mm from the sensor face down to the water. DISTANCE_NO_ECHO when the sensor has no value. */
  distanceMm: 0,
  /** uint16, 0..100: strength of the echo the distance came from. */
  echoQualityPct: 1,
  /** uint16, SENSOR_ERRORS; 0 = measuring normally. */
  errorCode: 2,
  /** uint16, battery in tenths of a percent (0..1000). */
  batteryPermille: 3,
  /** int16, dBm of the sensor's radio link to this Modbus gateway. */
  rssiDbm: 4,
  /** uint16, +1 per measurement, wraps at 65535 → 1; 0 = no measurement since power-up. */
  sampleCounter: 5,
  /** Device time of the measurement: uint32 epoch seconds (high word, low word) and milliseconds. */
  sampleTimeHi: 6,
  sampleTimeLo: 7,
  sampleTimeMs: 8,
  /** uint16 bit field, STATUS_FLAGS. */
  statusFlags: 9,
  /** The device clock now: uint32 epoch seconds (high, low) and milliseconds. */
  clockHi: 10,
  clockLo: 11,
  clockMs: 12,
} as const;

export const INPUT_COUNT = 13;

/** Holding registers (FC 03 read, FC 06 / FC 16 write): settings and commands. */
export const HOLDING = {
  /** uint16 s, 1..3600: measuring period. */
  measureIntervalS: 0,
  /** uint16 s, 1..3600: measuring period while the water is near (distance below the next register). */
  fastIntervalS: 1,
  /** uint16 mm: measure at the fast period while distance < this; 0 = never. */
  fastBelowDistanceMm: 2,
  /** Device clock, same encoding as INPUT.clock*; set only by one FC 16 write of all three. */
  clockHi: 3,
  clockLo: 4,
  clockMs: 5,
  /** Command: write 1 to take a measurement now. Reads 0. */
  measureNow: 6,
} as const;

export const HOLDING_COUNT = 7;

/** The distance register's "no value" marker (int16 max): never a real distance. */
export const DISTANCE_NO_ECHO = 0x7fff;

export const STATUS_FLAGS = {
  /** The float switch at the rim is wet: the manhole is overflowing. */
  overflow: 1 << 0,
  /** Battery below 20 %. */
  lowBattery: 1 << 1,
  /** The clock has not been set since power-up (it counts from the factory default). */
  clockNotSet: 1 << 2,
} as const;

/** The sensor's own error codes (INPUT.errorCode). */
export const SENSOR_ERRORS: Readonly<Record<number, string>> = {
  1: 'no echo',
  2: 'echo too weak',
  3: 'transducer fault',
  4: 'temperature out of range',
};

/** Modbus exception codes this device uses. */
export const EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  serverDeviceBusy: 0x06,
  gatewayTargetFailed: 0x0b,
} as const;

export const EXCEPTION_NAMES: Readonly<Record<number, string>> = {
  0x01: 'illegal function',
  0x02: 'illegal data address',
  0x03: 'illegal data value',
  0x04: 'server device failure',
  0x06: 'server device busy',
  0x0b: 'gateway target device failed to respond',
};

/** A time as the three clock registers: [seconds high, seconds low, milliseconds]. */
export function encodeTime(epochMs: number): [number, number, number] {
  const seconds = Math.floor(epochMs / 1000);
  return [Math.floor(seconds / 0x10000) & 0xffff, seconds & 0xffff, epochMs - seconds * 1000];
}

export function decodeTime(hi: number, lo: number, ms: number): number {
  return (hi * 0x10000 + lo) * 1000 + ms;
}

/** Register words are unsigned on the wire; these fields are two's complement. */
export const toInt16 = (word: number): number => (word & 0x8000 ? word - 0x10000 : word);
export const fromInt16 = (value: number): number => value & 0xffff;
