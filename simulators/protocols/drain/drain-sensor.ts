import { DISTANCE_NO_ECHO, encodeTime, EXCEPTION, fromInt16, HOLDING, HOLDING_COUNT, INPUT, INPUT_COUNT, STATUS_FLAGS } from '../../../edge-agent/drivers/drain/register-map.ts';
import type { Clock } from '../../../services/shared/clock.ts';
import type { DeviceOutput } from '../../models/model.ts';
import type { Rng } from '../../prng.ts';
import { Manhole, type ManholeOptions } from './manhole-physics.ts';
import { decodeRequest, encodeException, encodeReadResponse, encodeWriteResponse, type MbapFrame, type ModbusRequest } from './modbus-frame.ts';

export interface DrainSensorOptions {
  depthMm: number;
  /** True time. The device clock is this plus an offset the script (or a clock write) sets. */
  clock: Clock;
  rng: Rng;
  unitId?: number;
  /** Physics of the stand-alone water model. */
  manhole?: Omit<ManholeOptions, 'depthMm' | 'startMs'>;
  /** Largest ultrasonic error either way, mm. */
  noiseMaxMm?: number;
  measureIntervalS?: number;
  fastIntervalS?: number;
  /** Default: half the depth, where the behaviour model also starts sampling faster. */
  fastBelowDistanceMm?: number;
  batteryPct?: number;
  /**
   * Where the water comes from at power-up. 'fed' waits for the behaviour model:
   * nothing is measured (counter 0) until its first reading, so a driver never
   * reads a level the model did not report. Default 'physics'.
   */
  waterSource?: 'physics' | 'fed';
}

/** Register values the script forces into every following measurement, as a failing sensor would write them. */
export interface SensorFaultScript {
  /** int16 distance as written, e.g. DISTANCE_NO_ECHO, -5, or more than the depth. */
  distanceMm?: number;
  errorCode?: number;
  echoQualityPct?: number;
}

/** What the transducer and the electronics measured, in true time. */
interface Measurement {
  distanceMm: number;
  batteryPct: number;
  rssiDbm: number;
  overflow: boolean;
  atMs: number;
}

/** A measurement as the registers hold it. */
interface Sample {
  distanceMm: number;
  echoQualityPct: number;
  errorCode: number;
  batteryPct: number;
  rssiDbm: number;
  overflow: boolean;
  /** Device time of the measurement. */
  deviceAtMs: number;
}

/** The clock a sensor that lost power without a backup cell boots with: 2000-01-01T00:00:00Z. */
export const FACTORY_CLOCK_MS = Date.UTC(2000, 0, 1);
const BATTERY_DRAIN_PCT_PER_MS = 0.02 / 3600_000;

/**
 * The drain level sensor as a Modbus device, without sockets: its registers,
 * its clock, and where its measurements come from. There is one water source at
 * a time. Stand-alone ("physics"), the sensor measures the Manhole bucket on its
 * own period as the clock moves. The first `feed()` (or `waterSource: 'fed'`
 * at start) hands the water to the behaviour model for good ("fed"): each drain.level output becomes one
 * measurement, and the bucket and the measuring period no longer matter.
 */
export class DrainSensor {
  readonly depthMm: number;
  readonly unitId: number;
  readonly manhole: Manhole;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly noiseMaxMm: number;
  private mode: 'physics' | 'fed';
  private settings: { measureIntervalS: number; fastIntervalS: number; fastBelowDistanceMm: number };
  private sample: Sample | undefined;
  /** The model's last reading as it came, before any scripted fault: what "measure again" repeats. */
  private lastFed: Measurement | undefined;
  private counter = 0;
  private nextMeasureAtMs = 0;
  private clockOffsetMs = 0;
  private clockSet = true;
  private faultScript: SensorFaultScript | undefined;
  private battery: number;
  private readonly rssiMean: number;
  private rssi: number;
  private batteryAtMs: number;

  constructor(options: DrainSensorOptions) {
    this.depthMm = options.depthMm;
    this.unitId = options.unitId ?? 1;
    this.clock = options.clock;
    this.rng = options.rng;
    this.noiseMaxMm = options.noiseMaxMm ?? 10;
    this.mode = options.waterSource ?? 'physics';
    this.settings = {
      measureIntervalS: options.measureIntervalS ?? 60,
      fastIntervalS: options.fastIntervalS ?? 15,
      fastBelowDistanceMm: options.fastBelowDistanceMm ?? Math.round(options.depthMm / 2),
    };
    this.manhole = new Manhole({ ...options.manhole, depthMm: options.depthMm, startMs: this.clock.now() });
    this.battery = options.batteryPct ?? 90;
    this.batteryAtMs = this.clock.now();
    this.rssiMean = Math.round(this.rng.uniform(-105, -85));
    this.rssi = this.rssiMean;
    this.powerUp();
  }

  get waterSource(): 'physics' | 'fed' {
    return this.mode;
  }

  get sampleCounter(): number {
    return this.counter;
  }

  /** The device clock now, epoch ms. */
  deviceNow(): number {
    return this.clock.now() + this.clockOffsetMs;
  }

  // ---- water source ----

  /** Takes a behaviour model output; returns false for outputs that are not a drain level reading. */
  feed(output: DeviceOutput): boolean {
    if (output.channel !== 'telemetry' || output.type !== 'drain.level') return false;
    const d = output.data;
    const num = (k: string): number | undefined => (typeof d[k] === 'number' && Number.isFinite(d[k]) ? (d[k] as number) : undefined);
    const distanceMm = num('distanceMm');
    const batteryPct = num('batteryPct');
    const rssiDbm = num('rssiDbm');
    if (distanceMm === undefined || batteryPct === undefined || rssiDbm === undefined) return false;
    this.mode = 'fed';
    this.battery = batteryPct;
    this.lastFed = { distanceMm, batteryPct, rssiDbm, overflow: d.overflow === true, atMs: output.at };
    this.record(this.lastFed);
    return true;
  }

  /** Takes a measurement now (also holding register 6). */
  measureNow(): void {
    if (this.mode === 'physics') {
      this.catchUp();
      this.measureManhole(this.clock.now());
      this.nextMeasureAtMs = this.clock.now() + this.periodMs();
    } else if (this.lastFed) {
      // Fed: the model owns the water, so measuring again repeats its last level (with any scripted fault).
      this.record({ ...this.lastFed, atMs: this.clock.now() });
    }
  }

  // ---- scripted faults ----

  sensorFault(script: SensorFaultScript): void {
    this.faultScript = { ...script };
  }

  clearSensorFault(): void {
    this.faultScript = undefined;
  }

  /** Moves the device clock away from true time by `offsetMs` (positive: ahead). */
  skewClock(offsetMs: number): void {
    this.clockOffsetMs = offsetMs;
  }

  get clockSkewMs(): number {
    return this.clockOffsetMs;
  }

  /**
   * A power cycle: the sample counter starts again and the last measurement is
   * gone. Settings are kept (EEPROM); the clock too, unless `loseClock` (no backup
   * cell), when it restarts at FACTORY_CLOCK_MS and says so in the status flags.
   */
  reboot(options: { loseClock?: boolean } = {}): void {
    this.catchUp();
    this.counter = 0;
    this.sample = undefined;
    if (options.loseClock) {
      this.clockOffsetMs = FACTORY_CLOCK_MS - this.clock.now();
      this.clockSet = false;
    }
    this.powerUp();
  }

  // ---- Modbus ----

  /** Answers one request frame with a response or exception PDU. */
  handle(frame: MbapFrame): Buffer {
    const decoded = decodeRequest(frame.pdu);
    if (!decoded.ok) return encodeException(decoded.fc, decoded.exceptionCode);
    const request = decoded.request;
    // A Modbus TCP gateway answers for its own unit only; 0xFF is "whoever you are" over TCP.
    if (frame.unitId !== this.unitId && frame.unitId !== 0xff) return encodeException(request.fc, EXCEPTION.gatewayTargetFailed);
    this.catchUp();
    switch (request.fc) {
      case 0x04:
        return this.read(request, this.inputRegisters(), INPUT_COUNT);
      case 0x03:
        return this.read(request, this.holdingRegisters(), HOLDING_COUNT);
      case 0x06:
        return this.write(request, request.address, [request.value]);
      case 0x10:
        return this.write(request, request.address, request.values);
    }
  }

  inputRegisters(): number[] {
    const s = this.sample;
    const regs = new Array<number>(INPUT_COUNT).fill(0);
    const [clockHi, clockLo, clockMs] = encodeTime(this.deviceNow());
    regs[INPUT.clockHi] = clockHi;
    regs[INPUT.clockLo] = clockLo;
    regs[INPUT.clockMs] = clockMs;
    let flags = this.clockSet ? 0 : STATUS_FLAGS.clockNotSet;
    if (s) {
      const [hi, lo, ms] = encodeTime(s.deviceAtMs);
      regs[INPUT.distanceMm] = fromInt16(s.distanceMm);
      regs[INPUT.echoQualityPct] = s.echoQualityPct;
      regs[INPUT.errorCode] = s.errorCode;
      regs[INPUT.batteryPermille] = Math.round(s.batteryPct * 10);
      regs[INPUT.rssiDbm] = fromInt16(s.rssiDbm);
      regs[INPUT.sampleTimeHi] = hi;
      regs[INPUT.sampleTimeLo] = lo;
      regs[INPUT.sampleTimeMs] = ms;
      if (s.overflow) flags |= STATUS_FLAGS.overflow;
      if (s.batteryPct < 20) flags |= STATUS_FLAGS.lowBattery;
    } else {
      regs[INPUT.distanceMm] = DISTANCE_NO_ECHO;
    }
    regs[INPUT.sampleCounter] = this.counter;
    regs[INPUT.statusFlags] = flags;
    return regs;
  }

  holdingRegisters(): number[] {
    const regs = new Array<number>(HOLDING_COUNT).fill(0);
    regs[HOLDING.measureIntervalS] = this.settings.measureIntervalS;
    regs[HOLDING.fastIntervalS] = this.settings.fastIntervalS;
    regs[HOLDING.fastBelowDistanceMm] = this.settings.fastBelowDistanceMm;
    const [hi, lo, ms] = encodeTime(this.deviceNow());
    regs[HOLDING.clockHi] = hi;
    regs[HOLDING.clockLo] = lo;
    regs[HOLDING.clockMs] = ms;
    return regs;
  }

  private read(request: Extract<ModbusRequest, { fc: 0x03 | 0x04 }>, registers: number[], size: number): Buffer {
    if (request.address + request.quantity > size) return encodeException(request.fc, EXCEPTION.illegalDataAddress);
    return encodeReadResponse(request.fc, registers.slice(request.address, request.address + request.quantity));
  }

  /** All or nothing: every value is checked before any is applied. */
  private write(request: Extract<ModbusRequest, { fc: 0x06 | 0x10 }>, address: number, values: number[]): Buffer {
    const end = address + values.length;
    if (end > HOLDING_COUNT) return encodeException(request.fc, EXCEPTION.illegalDataAddress);
    const value = (reg: number): number | undefined => (reg >= address && reg < end ? values[reg - address] : undefined);
    const touchesClock = [HOLDING.clockHi, HOLDING.clockLo, HOLDING.clockMs].filter((r) => value(r) !== undefined).length;
    // The clock is three registers of one value: half a time is no time.
    if (touchesClock !== 0 && touchesClock !== 3) return encodeException(request.fc, EXCEPTION.illegalDataValue);
    const period = (v: number | undefined): boolean => v === undefined || (v >= 1 && v <= 3600);
    if (!period(value(HOLDING.measureIntervalS)) || !period(value(HOLDING.fastIntervalS))) return encodeException(request.fc, EXCEPTION.illegalDataValue);
    const clockMs = value(HOLDING.clockMs);
    if (clockMs !== undefined && clockMs > 999) return encodeException(request.fc, EXCEPTION.illegalDataValue);
    const command = value(HOLDING.measureNow);
    if (command !== undefined && command !== 0 && command !== 1) return encodeException(request.fc, EXCEPTION.illegalDataValue);

    this.settings = {
      measureIntervalS: value(HOLDING.measureIntervalS) ?? this.settings.measureIntervalS,
      fastIntervalS: value(HOLDING.fastIntervalS) ?? this.settings.fastIntervalS,
      fastBelowDistanceMm: value(HOLDING.fastBelowDistanceMm) ?? this.settings.fastBelowDistanceMm,
    };
    if (touchesClock === 3) {
      const hi = value(HOLDING.clockHi)!;
      const lo = value(HOLDING.clockLo)!;
      this.clockOffsetMs = (hi * 0x10000 + lo) * 1000 + clockMs! - this.clock.now();
      this.clockSet = true;
    }
    if (command === 1) this.measureNow();
    return encodeWriteResponse(request);
  }

  // ---- measuring ----

  private powerUp(): void {
    // A stand-alone sensor measures once at power-up; a fed one waits for the model's next reading.
    if (this.mode === 'physics') {
      this.measureManhole(this.clock.now());
      this.nextMeasureAtMs = this.clock.now() + this.periodMs();
    }
  }

  /** Stand-alone: runs the bucket up to now, measuring at each period on the way. */
  private catchUp(): void {
    if (this.mode !== 'physics') return;
    const now = this.clock.now();
    while (this.nextMeasureAtMs <= now) {
      const at = this.nextMeasureAtMs;
      this.manhole.advanceTo(at);
      this.measureManhole(at);
      this.nextMeasureAtMs = at + this.periodMs();
    }
    this.manhole.advanceTo(now);
  }

  private periodMs(): number {
    const near = this.sample !== undefined && this.sample.distanceMm < this.settings.fastBelowDistanceMm;
    return (near ? this.settings.fastIntervalS : this.settings.measureIntervalS) * 1000;
  }

  private measureManhole(atMs: number): void {
    const noise = clamp(this.rng.normal(0, this.noiseMaxMm / 3), -this.noiseMaxMm, this.noiseMaxMm);
    const distanceMm = Math.round(clamp(this.depthMm - this.manhole.levelMm + noise, 0, this.depthMm));
    this.battery = Math.max(0, this.battery - BATTERY_DRAIN_PCT_PER_MS * Math.max(0, atMs - this.batteryAtMs));
    this.batteryAtMs = atMs;
    this.rssi = clamp(this.rssi + this.rng.normal(0, 1) + 0.1 * (this.rssiMean - this.rssi), -120, -60);
    this.record({ distanceMm, batteryPct: Math.round(this.battery * 10) / 10, rssiDbm: Math.round(this.rssi), overflow: this.manhole.overflowing, atMs });
  }

  /** One measurement into the registers, with the scripted sensor fault, if any, on top. */
  private record(m: Measurement): void {
    const script = this.faultScript ?? {};
    this.counter = this.counter >= 0xffff ? 1 : this.counter + 1;
    this.sample = {
      distanceMm: script.distanceMm ?? m.distanceMm,
      echoQualityPct: script.echoQualityPct ?? Math.round(this.rng.uniform(70, 96)),
      errorCode: script.errorCode ?? 0,
      batteryPct: m.batteryPct,
      rssiDbm: m.rssiDbm,
      overflow: m.overflow,
      deviceAtMs: m.atMs + this.clockOffsetMs,
    };
  }
}

const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));
