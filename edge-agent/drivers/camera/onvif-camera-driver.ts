import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceAgent } from '../../agent-api.ts';
import type { DeviceDriver, DriverContext, DriverStatus } from '../driver.ts';
import { ClockSkew } from '../shared/clock-skew.ts';
import { DeviceHealth } from '../shared/device-health.ts';
import { SessionLoop } from '../shared/session-loop.ts';
import { parseCameraDriverConfig, type CameraDriverConfig } from './camera-driver-config.ts';
import { CameraEventTracker, type CameraEvent } from './camera-events.ts';
import { OnvifConnection, type CameraConnection, type CameraInfo } from './onvif-connection.ts';
import { classifyOnvifError, isSubscriptionGone } from './onvif-faults.ts';

/** Makes the connection for one session; tests of the loop may pass their own. */
export type ConnectionFactory = (config: CameraDriverConfig) => CameraConnection;

/**
 * An ONVIF camera driver (Profile S): connects with WS-Security digest, reads the
 * device information and media profiles, subscribes to a pull point and long-polls
 * it, and turns motion, tamper and video-loss events into envelopes through the
 * agent. Whatever the camera does (refuses, times out, hangs up, answers garbage,
 * reboots, keeps a wrong clock) becomes a fault episode; the driver starts a new
 * session with back-off until closed. See README.md in this folder.
 */
export class OnvifCameraDriver implements DeviceDriver {
  readonly kind = 'camera' as const;
  readonly deviceId: string;

  private readonly config: CameraDriverConfig;
  private readonly agent: DeviceAgent;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly connect: ConnectionFactory;
  private readonly sessions: SessionLoop;
  private readonly health: DeviceHealth;
  private readonly skew: ClockSkew;
  private readonly tracker: CameraEventTracker;
  private current: CameraConnection | null = null;
  private info: CameraInfo | null = null;
  private started = false;
  private closePromise: Promise<void> | null = null;

  /** `rawConfig` is validated here; a bad key throws OC_CONFIG_INVALID naming it. */
  constructor(rawConfig: unknown, ctx: DriverContext, connect: ConnectionFactory = (config) => new OnvifConnection(config)) {
    this.config = parseCameraDriverConfig(rawConfig);
    this.agent = ctx.agent;
    this.deviceId = ctx.agent.deviceId;
    this.clock = ctx.clock ?? systemClock;
    this.log = ctx.logger.child({ deviceId: this.deviceId, driver: 'onvif' });
    this.connect = connect;
    this.sessions = new SessionLoop({
      backoff: { initialMs: this.config.reconnectInitialMs, maxMs: this.config.reconnectMaxMs },
      session: () => this.connectAndRun(),
      onFailure: (err) => this.linkFailed(err),
      log: this.log,
    });
    this.health = new DeviceHealth(this.agent, this.clock, this.log);
    this.skew = new ClockSkew({ toleranceMs: this.config.clockToleranceMs });
    this.tracker = new CameraEventTracker({ motionZone: this.config.motionZone });
  }

  start(): void {
    if (this.started || this.sessions.stopping) return;
    this.started = true;
    this.log.info({ url: this.config.url }, 'camera driver starting');
    this.sessions.start();
  }

  status(): DriverStatus {
    return this.health.status();
  }

  /** What the camera said about itself in the current or last session. */
  cameraInfo(): CameraInfo | null {
    return this.info;
  }

  close(): Promise<void> {
    this.closePromise ??= this.shutdown();
    return this.closePromise;
  }

  // ---- the session loop ----

  private get closing(): boolean {
    return this.sessions.stopping;
  }

  private async connectAndRun(): Promise<void> {
    const connection = this.connect(this.config);
    this.current = connection;
    try {
      await this.session(connection);
    } finally {
      if (this.current === connection) this.current = null;
      // Cameras have few subscription slots; an abandoned pull point holds one until it expires.
      await this.unsubscribeBriefly(connection);
      connection.destroy();
    }
  }

  /** One connection's life: open, subscribe, pull until something breaks (it then throws) or the driver closes. */
  private async session(connection: CameraConnection): Promise<void> {
    const info = await connection.open();
    this.info = info;
    this.observeDeviceTime(info.deviceTimeMs);
    this.observeDeviceTime(await connection.subscribe());
    this.sessions.backoff.reset();
    this.log.info(
      { manufacturer: info.manufacturer, model: info.model, firmware: info.firmwareVersion, serial: info.serialNumber, profile: info.profileToken },
      'camera connected and subscribed',
    );
    this.health.clear('link');

    while (!this.closing) {
      const pulled = await this.orResubscribe(connection, () => connection.pull());
      if (!pulled) continue;
      this.observeDeviceTime(pulled.value.deviceTimeMs);
      this.health.clear('link');
      if (pulled.value.unreadable > 0) this.log.warn({ unreadable: pulled.value.unreadable }, 'skipped notification messages without a readable topic');
      for (const n of pulled.value.notifications) {
        for (const event of this.tracker.observe(n, info.snapshotUri, pulled.value.deviceTimeMs)) this.emitCameraEvent(event);
      }
      if (this.closing) break;
      // Renew after every pull, as the onvif package's own loop does: some cameras (Axis)
      // do not extend a pull point on PullMessages, and it lasts only PT2M.
      const renewed = await this.orResubscribe(connection, () => connection.renew());
      if (renewed?.value !== undefined) this.observeDeviceTime(renewed.value);
    }
  }

  /**
   * Runs a call on the pull point. If the camera says the pull point is gone (it
   * expired, e.g. after the camera clock jumped, or the camera dropped it), subscribes
   * again and returns undefined: that is housekeeping, not a fault.
   */
  private async orResubscribe<T>(connection: CameraConnection, step: () => Promise<T>): Promise<{ value: T } | undefined> {
    try {
      return { value: await step() };
    } catch (err) {
      if (this.closing || !isSubscriptionGone(err)) throw err;
      this.log.info('pull point gone; subscribing again');
      this.observeDeviceTime(await connection.subscribe());
      return undefined;
    }
  }

  // ---- what the camera said ----

  /** Every answer carrying device time is a clock reading, compared with the agent clock on receipt. */
  private observeDeviceTime(deviceTimeMs: number): void {
    this.skew.observe(deviceTimeMs - this.clock.now());
    if (this.skew.isSkewed) {
      this.health.fail('clock', 'OC_DEVICE_CLOCK_SKEW', this.skew.describe());
    } else if (this.health.has('clock')) {
      this.log.info({ offsetMs: this.skew.offsetMs }, 'device clock back within tolerance');
      this.health.clear('clock');
    }
  }

  /** See README "Device clock": a skewed camera's events get corrected times, and keep its own stamp in `deviceTime`. */
  private emitCameraEvent(event: CameraEvent): void {
    const data = this.skew.isSkewed ? { ...event.data, deviceTime: new Date(event.deviceTimeMs).toISOString() } : event.data;
    try {
      this.agent.emitEvent(event.type, data, new Date(this.skew.correct(event.deviceTimeMs)));
    } catch (err) {
      // Only a closed agent or outbox refuses; the event cannot be kept anywhere else.
      this.log.error({ err, type: event.type }, 'agent refused a camera event');
    }
  }

  private linkFailed(err: unknown): void {
    const fault = classifyOnvifError(err);
    this.info = null;
    this.health.fail('link', fault.code, fault.reason);
  }

  // ---- closing ----

  /** Best effort and bounded: the camera may be the reason the session ended. A no-op when not subscribed. */
  private async unsubscribeBriefly(connection: CameraConnection): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.unsubscribe().catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'unsubscribe failed')),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.unsubscribeTimeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private async shutdown(): Promise<void> {
    const stopped = this.sessions.stop();
    const connection = this.current;
    if (connection) {
      await this.unsubscribeBriefly(connection);
      connection.destroy(); // ends the waiting pull, so the session sees the loop stopping and returns
    }
    await stopped;
    this.log.info('camera driver closed');
  }
}
