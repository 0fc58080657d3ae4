import { EventModel } from './event-model.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import { CAMERA_ZONES } from '../../services/site/camera-zones.ts';
import type { Rng } from '../prng.ts';
import { bump, DEFAULT_UTC_OFFSET_MIN, localHour, type DeviceModel } from './model.ts';
import { ArrivalProcess, profileIntegral, profilePeak } from './traffic.ts';

export type CameraAction =
  /** The video stream drops (cable, power, encoder) and comes back after `durationS`. */
  | { do: 'video-loss'; durationS: number }
  /** Lens covered (default) or sprayed/defocused for `durationS` (a blur without one lasts until cleaned). */
  | { do: 'tamper'; mode?: 'cover' | 'blur'; durationS?: number }
  /** Someone in view at a scripted time, e.g. a night intrusion. */
  | { do: 'motion'; zone?: string };

export interface CameraModelOptions {
  device: PlacedDevice;
  rng: Rng;
  startMs: number;
  utcOffsetMin?: number;
  /** Motion events per day; defaults by place type. */
  motionPerDay?: number;
  /** Cameras debounce: at most one motion start per this many seconds. */
  cooldownS?: number;
}

const MOTION_PER_DAY: Record<PlacedDevice['placeType'], number> = {
  gate: 400,
  lane: 200,
  parking: 120,
  entrance: 150,
  square: 150,
  manhole: 100,
};

/** People and vehicles in view by hour; never zero, as cats and headlights trip cameras at night. */
export function motionProfile(hour: number): number {
  return 0.08 + 0.9 * bump(hour, 8, 1.2) + 0.7 * bump(hour, 12.5, 1.5) + 1.1 * bump(hour, 18.5, 1.8);
}

const PROFILE_INTEGRAL = profileIntegral(motionProfile);
const PROFILE_PEAK = profilePeak(motionProfile);

/** An ONVIF camera's analytics events: motion by zone, tamper detection, video loss. */
export class CameraModel extends EventModel<CameraAction> implements DeviceModel<CameraAction> {
  readonly kind = 'camera' as const;
  readonly device: PlacedDevice;
  private readonly rng: Rng;
  private readonly utcOffsetMin: number;
  private readonly zones: readonly string[];
  private readonly cooldownMs: number;
  private readonly arrivals: ArrivalProcess;
  private videoLostAt: number | null = null;
  private videoBackAt = 0;
  private coveredUntil = 0;
  private blurredUntil = 0;

  constructor(options: CameraModelOptions) {
    super();
    this.device = options.device;
    this.rng = options.rng;
    this.utcOffsetMin = options.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN;
    // The site's catalogue of detection zones, which alerting names them from too.
    this.zones = CAMERA_ZONES[options.device.placeType].map((z) => z.id);
    this.cooldownMs = (options.cooldownS ?? 10) * 1000;
    const perDay = options.motionPerDay ?? MOTION_PER_DAY[options.device.placeType];
    const perHour = (atMs: number) => (perDay * motionProfile(localHour(atMs, this.utcOffsetMin))) / PROFILE_INTEGRAL;
    this.arrivals = new ArrivalProcess(this.rng, perHour, (perDay * PROFILE_PEAK) / PROFILE_INTEGRAL, options.startMs);
    this.scheduleNextMotion(-Infinity);
  }

  protected apply(action: CameraAction, t: number): void {
    switch (action.do) {
      case 'video-loss':
        this.loseVideo(t, action.durationS);
        break;
      case 'tamper': {
        const mode = action.mode ?? 'cover';
        if (mode === 'cover') this.coveredUntil = Math.max(this.coveredUntil, t + (action.durationS ?? 0) * 1000);
        else this.blurredUntil = Math.max(this.blurredUntil, action.durationS === undefined ? Infinity : t + action.durationS * 1000);
        this.emit(t, `tamper.${mode}`, { zone: 'scene', confidence: round2(this.rng.uniform(0.8, 0.99)), snapshotUri: this.snapshot(t) });
        break;
      }
      case 'motion':
        if (this.canSee(t)) this.motion(t, action.zone ?? this.zones[0]!, this.rng.uniform(0.85, 0.99));
        break;
    }
  }

  private loseVideo(t: number, durationS: number): void {
    const backAt = t + durationS * 1000;
    if (this.videoLostAt === null) {
      this.videoLostAt = t;
      this.emit(t, 'video.loss', { reason: 'signal-lost' });
    }
    if (backAt <= this.videoBackAt) return;
    this.videoBackAt = backAt;
    this.timeline.schedule(backAt, (at) => {
      // An overlapping, longer loss pushed the restore back.
      if (this.videoLostAt === null || at !== this.videoBackAt) return;
      this.emit(at, 'video.restored', { downSeconds: (at - this.videoLostAt) / 1000 });
      this.videoLostAt = null;
    });
  }

  private scheduleNextMotion(after: number): void {
    const at = this.arrivals.next(after + this.cooldownMs);
    if (!Number.isFinite(at)) return;
    this.timeline.schedule(at, (t) => {
      if (this.canSee(t)) {
        // Night IR images give the analytics less to go on.
        const hour = localHour(t, this.utcOffsetMin);
        const night = hour < 6 || hour >= 20;
        const confidence = this.rng.uniform(night ? 0.45 : 0.6, t < this.blurredUntil ? 0.7 : 0.99);
        this.motion(t, this.rng.pick(this.zones), confidence);
      }
      this.scheduleNextMotion(t);
    });
  }

  private canSee(t: number): boolean {
    return this.videoLostAt === null && t >= this.coveredUntil;
  }

  private motion(t: number, zone: string, confidence: number): void {
    this.emit(t, 'motion', { zone, confidence: round2(confidence), snapshotUri: this.snapshot(t) });
  }

  /** Where the platform would fetch the frame; simulated cameras name it, nobody serves it. */
  private snapshot(t: number): string {
    return `sim://snapshots/${this.device.id}/${t}.jpg`;
  }

}

const round2 = (x: number): number => Math.round(x * 100) / 100;
