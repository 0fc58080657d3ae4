import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import { silentLogger, type Logger } from '../../../services/shared/logger.ts';
import type { DeviceOutput } from '../../models/model.ts';
import { createRng } from '../../prng.ts';
import { DrainSensor, type DrainSensorOptions, type SensorFaultScript } from './drain-sensor.ts';
import { ModbusTcpServer, type Misbehaviour } from './modbus-tcp-server.ts';

export interface DrainSimulatorOptions extends Omit<DrainSensorOptions, 'clock' | 'rng'> {
  /** True time; the stand-alone water model steps on it. Default: the system clock. */
  clock?: Clock;
  /** Seed for sensor noise and radio drift. */
  seed?: number;
  host?: string;
  /** 0 (default): a free port, kept across restarts. */
  port?: number;
  logger?: Logger;
}

export type MisbehaviourName = Misbehaviour['kind'];

/**
 * A drain level sensor on Modbus TCP: the DrainSensor device model behind a
 * ModbusTcpServer. The scripted API is for tests and demos; `feed()` lets the
 * behaviour model (simulators/models/drain.ts) drive it, so a scenario can run
 * model → simulator → socket → real driver → EdgeAgent → gateway.
 */
export class DrainSimulator {
  readonly sensor: DrainSensor;
  private constructor(
    private readonly server: ModbusTcpServer,
    sensor: DrainSensor,
  ) {
    this.sensor = sensor;
  }

  static async start(options: DrainSimulatorOptions): Promise<DrainSimulator> {
    const sensor = new DrainSensor({ ...options, clock: options.clock ?? systemClock, rng: createRng(options.seed ?? 1) });
    const server = await ModbusTcpServer.listen({ handler: (frame) => sensor.handle(frame), host: options.host, port: options.port, logger: options.logger ?? silentLogger() });
    return new DrainSimulator(server, sensor);
  }

  get port(): number {
    return this.server.port;
  }

  /** Request frames received since start, answered or not. */
  get requestsReceived(): number {
    return this.server.requestsReceived;
  }

  /** TCP connections accepted since start. */
  get connectionsAccepted(): number {
    return this.server.connectionsAccepted;
  }

  get openConnections(): number {
    return this.server.openConnections;
  }

  // ---- driven by the behaviour model ----

  /** One behaviour-model output; a drain.level becomes the sensor's next measurement. False if it is not one. */
  feed(output: DeviceOutput): boolean {
    return this.sensor.feed(output);
  }

  // ---- stand-alone water ----

  rain(intensityMmH: number, durationS: number): void {
    this.sensor.manhole.rain(intensityMmH, durationS);
  }

  greaseBuildUp(ratePerHour: number, maxBlockage?: number): void {
    this.sensor.manhole.startGreaseBuildUp(ratePerHour, maxBlockage);
  }

  clearBlockage(): void {
    this.sensor.manhole.clearBlockage();
  }

  measureNow(): void {
    this.sensor.measureNow();
  }

  // ---- misbehaviour ----

  /** How the device answers from now on: 'exception' (code 4 unless given), 'silent', 'garbage', 'noise', 'hang-up'. */
  misbehave(how: MisbehaviourName | Misbehaviour): void {
    if (typeof how !== 'string') this.server.misbehaviour = how;
    else if (how === 'exception') this.server.misbehaviour = { kind: 'exception', code: 0x04 };
    else this.server.misbehaviour = { kind: how };
  }

  /** Answers properly again. */
  behave(): void {
    this.server.misbehaviour = { kind: 'none' };
  }

  /** The sensor writes these values into its next measurements (see DrainSensor). */
  sensorFault(script: SensorFaultScript): void {
    this.sensor.sensorFault(script);
  }

  clearSensorFault(): void {
    this.sensor.clearSensorFault();
  }

  skewClock(offsetMs: number): void {
    this.sensor.skewClock(offsetMs);
  }

  /** Cuts the open connections; the device keeps listening. */
  dropConnections(): void {
    this.server.dropConnections();
  }

  /** Power off: every connection cut, nothing listening until powerOn(). */
  powerOff(): Promise<void> {
    return this.server.stop();
  }

  /** Power on after powerOff(): a fresh boot that behaves, on the same port. */
  async powerOn(options: { loseClock?: boolean } = {}): Promise<void> {
    this.sensor.reboot(options);
    this.server.misbehaviour = { kind: 'none' };
    await this.server.start();
  }

  async restart(options: { loseClock?: boolean } = {}): Promise<void> {
    await this.powerOff();
    await this.powerOn(options);
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
