import { EventModel } from './event-model.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import type { Rng } from '../prng.ts';
import { pseudonymiseCard } from '../../edge-agent/card-pseudonym.ts';
import { bump, DEFAULT_UTC_OFFSET_MIN, localHour, type DeviceModel } from './model.ts';
import { ArrivalProcess, profileIntegral, profilePeak } from './traffic.ts';

export type DoorAction =
  /** The door opens without a grant (kicked, jemmied); it closes after `durationS` (default 15). */
  | { do: 'forced-open'; durationS?: number }
  /** A resident badges in and props the door open for `durationS`, then it closes. */
  | { do: 'held-open'; durationS: number }
  /** The controller or reader enclosure is opened. */
  | { do: 'tamper'; reason?: string };

export interface DoorModelOptions {
  device: PlacedDevice;
  rng: Rng;
  /** Key for pseudonymising card numbers; the same key across a site keeps hashes comparable. */
  siteKey: string | Buffer;
  startMs: number;
  utcOffsetMin?: number;
  /** Passages per day; defaults by place: gates are much busier than unit doors. */
  passagesPerDay?: number;
  /** Cards registered at this door; ignored when `cards` is given. */
  cardCount?: number;
  /** Raw card numbers registered at this door (tests, replaying a real card list). Default: drawn at random. */
  cards?: readonly string[];
  /** Share of card presentations refused (expired renters' cards, unknown cards). */
  deniedShare?: number;
  /** The controller raises door.held-open once the door has been open this long. */
  heldOpenAlarmS?: number;
}

/** 18 households of roughly 2.5 people, each through the door a few times a day. */
const UNIT_DOOR_PASSAGES_PER_DAY = 140;
/** An open compound's gate carries residents, visitors, couriers and diners. */
const GATE_PASSAGES_PER_DAY = 900;
const DENY_REASONS = ['unknown-card', 'expired', 'outside-schedule'] as const;

/**
 * Residents' daily rhythm: quiet at night, out to work and school in the
 * morning, lunch, a higher evening return, late-evening errands.
 */
export function residentProfile(hour: number): number {
  return 0.04 + bump(hour, 7.5, 0.9) + 0.45 * bump(hour, 12, 1.3) + 1.2 * bump(hour, 18.3, 1.4) + 0.35 * bump(hour, 21, 1.2);
}

const PROFILE_INTEGRAL = profileIntegral(residentProfile);
const PROFILE_PEAK = profilePeak(residentProfile);

/** Door controller at a unit entrance or gate: card reader in, reader or exit button out, door contact. */
export class DoorModel extends EventModel<DoorAction> implements DeviceModel<DoorAction> {
  readonly kind = 'door' as const;
  readonly device: PlacedDevice;
  private readonly rng: Rng;
  private readonly siteKey: string | Buffer;
  private readonly utcOffsetMin: number;
  private readonly deniedShare: number;
  private readonly heldOpenAlarmS: number;
  private readonly isGate: boolean;
  private readonly cards: string[];
  private readonly arrivals: ArrivalProcess;
  /** When the door contact last opened; null while closed. */
  private openedAt: number | null = null;
  private closeAt = 0;

  constructor(options: DoorModelOptions) {
    super();
    this.device = options.device;
    this.rng = options.rng;
    this.siteKey = options.siteKey;
    this.utcOffsetMin = options.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN;
    this.deniedShare = options.deniedShare ?? 0.03;
    this.heldOpenAlarmS = options.heldOpenAlarmS ?? 30;
    this.isGate = options.device.placeType === 'gate';
    const perDay = options.passagesPerDay ?? (this.isGate ? GATE_PASSAGES_PER_DAY : UNIT_DOOR_PASSAGES_PER_DAY);
    const cardCount = options.cardCount ?? (this.isGate ? 600 : 45);
    // Raw card numbers exist only inside the model; outputs carry their hashes.
    this.cards = options.cards ? [...options.cards] : Array.from({ length: cardCount }, () => this.rawCardNumber());
    const perHour = (atMs: number) => (perDay * residentProfile(localHour(atMs, this.utcOffsetMin))) / PROFILE_INTEGRAL;
    this.arrivals = new ArrivalProcess(this.rng, perHour, (perDay * PROFILE_PEAK) / PROFILE_INTEGRAL, options.startMs);
    this.scheduleNextPassage();
  }

  /** The hash the model reports for a raw card number; for tests and provisioning tools. */
  hashCard(rawCard: string): string {
    return pseudonymiseCard(this.siteKey, rawCard);
  }

  protected apply(action: DoorAction, t: number): void {
    switch (action.do) {
      case 'forced-open':
        this.open(t, 'forced', action.durationS ?? 15);
        // After door.opened: the controller alarms because the contact opened without a grant.
        this.timeline.schedule(t, () => this.emit(t, 'door.forced-open', { reason: 'opened-without-grant' }));
        break;
      case 'held-open':
        this.emit(t, 'access.granted', { cardHash: this.hashCard(this.rng.pick(this.cards)), reader: 'in' });
        this.open(t, 'grant', action.durationS);
        break;
      case 'tamper':
        this.emit(t, 'tamper', { reason: action.reason ?? 'enclosure-opened' });
        break;
    }
  }

  private scheduleNextPassage(): void {
    const at = this.arrivals.next();
    if (Number.isFinite(at)) {
      this.timeline.schedule(at, (t) => {
        this.passage(t);
        this.scheduleNextPassage();
      });
    }
  }

  /** One person at the door: in with a card, or out with the exit button (gates also read cards out). */
  private passage(t: number): void {
    const inbound = this.rng.chance(0.5);
    const openDelayMs = Math.round(this.rng.uniform(500, 2000));
    // A door closer pulls the door shut a few seconds after someone walks through.
    const openS = this.rng.uniform(3, 9);
    if (!inbound && !(this.isGate && this.rng.chance(0.6))) {
      this.emit(t, 'exit.pressed', {});
      this.open(t + openDelayMs, 'exit', openS);
      return;
    }
    const reader = inbound ? 'in' : 'out';
    if (this.rng.chance(this.deniedShare)) {
      const reason = this.rng.pick(DENY_REASONS);
      const raw = reason === 'unknown-card' ? this.rawCardNumber() : this.rng.pick(this.cards);
      this.emit(t, 'access.denied', { cardHash: this.hashCard(raw), reader, reason });
      return;
    }
    this.emit(t, 'access.granted', { cardHash: this.hashCard(this.rng.pick(this.cards)), reader });
    this.open(t + openDelayMs, 'grant', openS);
  }

  /** The door contact opens (or, if already open, stays open longer). */
  private open(t: number, cause: 'grant' | 'exit' | 'forced', holdS: number): void {
    const closeAt = t + Math.round(holdS * 1000);
    if (this.openedAt === null) {
      this.openedAt = t;
      this.closeAt = closeAt;
      const openedAt = t;
      this.timeline.schedule(t, () => this.emit(t, 'door.opened', { cause }));
      this.timeline.schedule(t + this.heldOpenAlarmS * 1000, (at) => {
        // Only if this same opening is still going and is not about to end now.
        if (this.openedAt === openedAt && this.closeAt > at) {
          this.emit(at, 'door.held-open', { openSeconds: this.heldOpenAlarmS, thresholdSeconds: this.heldOpenAlarmS });
        }
      });
    } else if (closeAt > this.closeAt) {
      this.closeAt = closeAt;
    } else {
      return;
    }
    this.timeline.schedule(this.closeAt, (at) => {
      // A later passage may have pushed the close back; then a later item closes it.
      if (this.openedAt !== null && at === this.closeAt) {
        this.emit(at, 'door.closed', { openSeconds: round1((at - this.openedAt) / 1000) });
        this.openedAt = null;
      }
    });
  }

  private rawCardNumber(): string {
    return String(this.rng.int(1_000_000_000, 4_294_967_295));
  }

}

const round1 = (x: number): number => Math.round(x * 10) / 10;
