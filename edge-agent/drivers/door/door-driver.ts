import type { DeviceAgent } from '../../agent-api.ts';
import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import { isOcError, OcError } from '../../../services/shared/errors.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceDriver, DriverContext, DriverStatus } from '../driver.ts';
import { ClockSkew, roundTripOffset } from '../shared/clock-skew.ts';
import { DeviceHealth } from '../shared/device-health.ts';
import { SessionLoop } from '../shared/session-loop.ts';
import { parseDoorDriverConfig, type DoorDriverConfig, type DoorDriverConfigInput } from './config.ts';
import { ControllerClient, CursorAheadError } from './controller-client.ts';
import type { DoorCursor, DoorCursorStore } from './cursor-store.ts';
import { toPlatformEvent } from './event-mapping.ts';
import { parseStreamLine } from './line-parser.ts';
import { readStream } from './stream-reader.ts';
import type { ControllerEvent, InfoResponse } from './wire.ts';

export interface DoorDriverOptions {
  /** Validated here; a bad value throws OC_CONFIG_INVALID naming its key. */
  config: DoorDriverConfigInput;
  /** Where the journal cursor survives agent restarts; see README.md "Cursor". */
  cursor: DoorCursorStore;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Talks to one door controller over its HTTP/JSON interface: logs in, checks
 * the controller's clock, then follows the journal's event stream from the
 * stored cursor and hands each event to the agent exactly once per controller
 * seq (the cursor moves in the outbox transaction of the event's envelope). Any failure ends the session; the driver reports it as a fault episode
 * and starts a new session after a back-off, resuming at the cursor.
 */
export class DoorDriver implements DeviceDriver {
  readonly kind = 'door' as const;
  readonly deviceId: string;

  private readonly config: DoorDriverConfig;
  private readonly agent: DeviceAgent;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly cursorStore: DoorCursorStore;
  private readonly client: ControllerClient;
  private readonly health: DeviceHealth;
  private readonly clockSkew: ClockSkew;
  private readonly sessions: SessionLoop;
  private waiters: Waiter[] = [];

  private cursor: DoorCursor | undefined;
  private cursorLoaded = false;
  /** The seq the next event must carry; undefined until continuity is known (fresh journal). */
  private expectSeq: number | undefined;
  private linkOk = false;
  private closed = false;
  private warnedNoTransaction = false;

  constructor(options: DoorDriverOptions, ctx: DriverContext) {
    this.deviceId = ctx.agent.deviceId;
    this.config = parseDoorDriverConfig(options.config, `door driver ${this.deviceId}`);
    this.agent = ctx.agent;
    this.clock = ctx.clock ?? systemClock;
    this.log = ctx.logger.child({ deviceId: this.deviceId, driver: 'door' });
    this.cursorStore = options.cursor;
    this.client = new ControllerClient({
      baseUrl: this.config.baseUrl,
      username: this.config.username,
      password: this.config.password,
      requestTimeoutMs: this.config.requestTimeoutMs,
    });
    this.health = new DeviceHealth(this.agent, this.clock, this.log);
    // Fine again only within half the tolerance, so an offset hovering at the limit does not flap.
    this.clockSkew = new ClockSkew({ toleranceMs: this.config.clockToleranceMs, recoverWithinMs: this.config.clockToleranceMs / 2, subject: 'controller' });
    this.sessions = new SessionLoop({
      backoff: { initialMs: this.config.reconnectInitialMs, maxMs: this.config.reconnectMaxMs },
      session: () => this.session(),
      onFailure: (err) => this.onSessionEnded(err),
      log: this.log,
    });
  }

  start(): void {
    if (this.closed) throw new OcError('OC_AGENT_CLOSED', `door driver ${this.deviceId} is closed`);
    this.sessions.start();
  }

  status(): DriverStatus {
    return this.health.status();
  }

  /** The last controller seq handed to the agent, and its journal. */
  position(): DoorCursor | undefined {
    return this.cursor && { ...this.cursor };
  }

  /** Resolves once the event with controller seq `seq` (of the current journal) is in the agent's outbox. */
  whenDelivered(seq: number): Promise<void> {
    if (this.closed) return Promise.reject(new OcError('OC_AGENT_CLOSED', `door driver ${this.deviceId} is closed`));
    if ((this.cursor?.seq ?? 0) >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  async close(): Promise<void> {
    const stopped = this.sessions.stop();
    if (!this.closed) {
      this.closed = true;
      this.client.close();
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w.reject(new OcError('OC_AGENT_CLOSED', `door driver ${this.deviceId} closed`));
    }
    await stopped;
  }

  // ---- the session loop ----

  /** One connection's life: info, clock, stream. Only ever ends by throwing. */
  private async session(): Promise<void> {
    this.linkOk = false;
    const info = await this.client.info();
    const sentAt = this.clock.now();
    const time = await this.client.time();
    this.observeClock(roundTripOffset(time.epochMs, sentAt, this.clock.now()));
    const since = this.resumePoint(info);
    let stream;
    try {
      stream = await this.client.events(since);
    } catch (err) {
      if (!(err instanceof CursorAheadError)) throw err;
      // The journal went back in time (restored or rolled back flash). Nothing reliable
      // can be said about seqs up to ours; follow the controller from its head on.
      this.log.warn({ cursor: since, headSeq: err.headSeq }, 'controller journal is behind the cursor; continuing from its head');
      this.advance(info.journal.id, err.headSeq);
      this.expectSeq = undefined;
      throw new OcError('OC_DEVICE_REFUSED', `event stream: cursor ${since} is ahead of the controller journal (head ${err.headSeq})`);
    }
    this.log.debug({ since, journalId: info.journal.id, bootId: info.bootId }, 'event stream open');
    await readStream(stream, {
      maxLineBytes: this.config.maxLineBytes,
      idleTimeoutMs: this.config.idleTimeoutMs,
      onLine: (line) => this.onLine(line, info.journal.id),
    });
  }

  /** Where to resume in the controller's journal; a new journal (reset, replaced controller) is read from its start. */
  private resumePoint(info: InfoResponse): number {
    if (!this.cursorLoaded) {
      this.cursor = this.cursorStore.load();
      this.cursorLoaded = true;
    }
    if (this.cursor && this.cursor.journalId === info.journal.id) {
      this.expectSeq = this.cursor.seq + 1;
      return this.cursor.seq;
    }
    if (this.cursor) {
      this.log.warn({ was: this.cursor.journalId, now: info.journal.id }, 'controller journal changed (reset or replaced); reading the new one from its start');
    }
    this.cursor = { journalId: info.journal.id, seq: 0 };
    // What the controller holds from before we knew it is delivered; a gap before its oldest entry is not a loss of ours.
    this.expectSeq = undefined;
    return 0;
  }

  private onLine(text: string, journalId: string): void {
    const line = parseStreamLine(text);
    switch (line.kind) {
      case 'keepalive':
        this.observeClock(line.timeMs - this.clock.now());
        this.markLinkOk();
        return;
      case 'event':
        this.deliver(line.event, line.timeMs, journalId);
        this.markLinkOk();
        return;
      case 'unknown-event':
        if (!this.isNew(line.seq)) return;
        this.log.warn({ seq: line.seq, type: line.type }, 'controller event of an unknown type skipped');
        this.advance(journalId, line.seq);
        this.markLinkOk();
        return;
      case 'invalid-event':
        if (!this.isNew(line.seq)) return;
        // Reconnecting would replay the same stored event, so skip it and say so.
        this.health.fail('link', 'OC_DEVICE_MALFORMED_RESPONSE', `controller event ${line.seq} (${line.type}) skipped: ${line.problem}`);
        this.advance(journalId, line.seq);
        return;
    }
  }

  private deliver(event: ControllerEvent, timeMs: number, journalId: string): void {
    if (!this.isNew(event.seq)) return;
    if (this.expectSeq !== undefined && event.seq > this.expectSeq) this.reportLost(journalId, this.expectSeq, event.seq - 1);
    const { type, data } = toPlatformEvent(event, this.config.siteKey);
    this.emitAndAdvance(type, data, new Date(this.clockSkew.correct(timeMs)), { journalId, seq: event.seq });
  }

  /**
   * Hands the agent an envelope together with the cursor move past the controller
   * event(s) it stands for. Both commit in the agent's outbox transaction, so a crash
   * at any moment neither repeats nor loses the event. An agent that did not run the
   * cursor write (a wrapper that drops the option) still gets it, written right after:
   * a crash in between would then repeat the event.
   */
  private emitAndAdvance(type: string, data: Record<string, unknown>, deviceTime: Date | undefined, cursor: DoorCursor): void {
    let savedWithEnvelope = false;
    this.agent.emitEvent(type, data, deviceTime, {
      alsoInTransaction: () => {
        this.cursorStore.saveInTransaction(cursor);
        savedWithEnvelope = true;
      },
    });
    if (!savedWithEnvelope) {
      if (!this.warnedNoTransaction) this.log.warn('agent did not move the cursor in its outbox transaction; writing it separately (a crash in between repeats one event)');
      this.warnedNoTransaction = true;
      this.cursorStore.save(cursor);
    }
    this.followCursor(cursor);
  }

  /** A controller seq at or below the cursor was delivered before (a replay after reconnecting). */
  private isNew(seq: number): boolean {
    if (seq > (this.cursor?.seq ?? 0)) return true;
    this.log.debug({ seq, cursor: this.cursor?.seq }, 'controller event already delivered; skipped');
    return false;
  }

  /** Moves the cursor past a controller seq that produces no envelope (skipped, or the journal went back). */
  private advance(journalId: string, seq: number): void {
    const cursor = { journalId, seq };
    this.cursorStore.save(cursor);
    this.followCursor(cursor);
  }

  /** The cursor is stored: follow it in memory and wake whoever waits for its seq. */
  private followCursor(cursor: DoorCursor): void {
    const seq = cursor.seq;
    this.cursor = cursor;
    this.expectSeq = seq + 1;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= seq);
    this.waiters = this.waiters.filter((w) => w.seq > seq);
    for (const w of ready) w.resolve();
  }

  /**
   * The controller overwrote events before we read them (its journal wrapped while we
   * were away). The report stands for the lost seqs, so the cursor moves past them
   * with it: a crash right after does not report the same loss twice.
   */
  private reportLost(journalId: string, fromSeq: number, toSeq: number): void {
    const count = toSeq - fromSeq + 1;
    this.log.warn({ fromSeq, toSeq, count }, 'controller events lost before they were read');
    this.emitAndAdvance('events.lost', { fromSeq, toSeq, count }, undefined, { journalId, seq: toSeq });
  }

  // ---- health ----

  private observeClock(offsetMs: number): void {
    const change = this.clockSkew.observe(offsetMs);
    if (this.clockSkew.isSkewed) {
      // Also when a link fault is already open: the status should name what is wrong now.
      if (this.health.status().faultCode !== 'OC_DEVICE_CLOCK_SKEW') this.health.fail('clock', 'OC_DEVICE_CLOCK_SKEW', this.clockSkew.describe());
    } else if (change === 'became-ok') {
      this.log.info({ offsetMs }, 'controller clock back within tolerance');
      if (this.linkOk) this.health.clearAll();
    }
  }

  private markLinkOk(): void {
    if (!this.linkOk) {
      this.linkOk = true;
      this.sessions.backoff.reset();
    }
    // A clock that went back within tolerance before the stream answered ends its fault here.
    if (!this.clockSkew.isSkewed) this.health.clearAll();
  }

  private onSessionEnded(err: unknown): void {
    this.linkOk = false;
    if (isOcError(err) && err.code.startsWith('OC_DEVICE_')) {
      this.health.fail('link', err.code, err.message);
      return;
    }
    // Not the device's doing (the agent or its outbox closed under us, a bug): retry, but say so loudly.
    this.log.error({ err }, 'door driver session failed');
  }
}
