import type { ConsumerHealth, StuckReport } from '../event-log/guard/consumer-health.ts';
import { guardBatchHandler, type GuardedHandler } from '../event-log/guard/guarded-handler.ts';
import type { EventLog, LogConsumer } from '../event-log/port.ts';
import { timersOf, type Clock } from '../shared/clock.ts';
import type { ClockSkewLimits } from '../shared/clock-skew.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { AlertingService, type TicketStore } from './alerting-service.ts';
import type { DispatchPlanner } from './domain/dispatch/planner.ts';
import type { DeviceContext } from './domain/model.ts';
import { RuleEngine } from './domain/rules/engine.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import type { TicketPolicy } from './domain/tickets/types.ts';
import { OutgoingRelay } from './outgoing-relay.ts';
import { consumerStuckSignal, gatewayVerdictSignal, isGatewayVerdict } from './domain/rules/platform-signals.ts';
import type { LogRecord } from '../event-log/port.ts';

export interface AlertingRuntimeOptions {
  log: EventLog;
  store: TicketStore;
  devices: readonly DeviceContext[];
  planner: DispatchPlanner;
  policy: TicketPolicy;
  ruleOverrides?: RuleSettingsOverrides;
  /**
   * The one clock of the service: every "now" (SLA deadlines, escalations, reminders, offline
   * grace, mass-outage window, the roster's crew on duty) and every timer (the ticks, the
   * relay's retries). A SimulatedClock runs them in simulated time.
   */
  clock: Clock;
  logger: Logger;
  /** How often time-based rules and SLA timers run (on the clock's own timers). */
  tickIntervalMs?: number;
  /** Consumer group; instances sharing it share the work (with Kafka). */
  groupId?: string;
  /** Where a new group starts: the whole log (default) or only what arrives from now on. */
  startAt?: 'beginning' | 'end';
  /** The process's consumer registry: this consumer reports to it, and its stuck consumers become tickets. */
  health?: ConsumerHealth | undefined;
  /** The clock the stuck limit is measured on; the service clock by default (tests pin that one). */
  watchClock?: Clock;
  /** One record holding the consumer up this long makes it stuck. */
  stuckAfterMs?: number;
  /** Beyond this a device's timestamp is flagged as clock skew on its status. */
  clockSkew?: ClockSkewLimits | undefined;
}

export interface AlertingRuntime {
  readonly service: AlertingService;
  /** The consumer's guard: its status (ok, retrying, stuck) and what it gave up on. */
  readonly guard: GuardedHandler;
  /** Runs the timers now (tests, and the API after a command that may have changed deadlines). */
  tick(): void;
  /** Stops reading (the batch in hand finishes and commits), stops timers, publishes what is queued, closes the store. */
  close(): Promise<void>;
}

const MAX_BATCH = 500;

/** The alerting service as a running thing: reads the device topics of the log, ticks, relays ticket changes. */
export async function startAlerting(o: AlertingRuntimeOptions): Promise<AlertingRuntime> {
  const timers = timersOf(o.clock);
  const relay = new OutgoingRelay(o.store, o.log, o.logger, timers);
  const service = new AlertingService({
    store: o.store,
    engine: new RuleEngine(o.devices, o.ruleOverrides),
    planner: o.planner,
    policy: o.policy,
    clock: o.clock,
    logger: o.logger,
    onOutgoing: () => relay.kick(),
    ...(o.clockSkew ? { clockSkew: o.clockSkew } : {}),
  });
  relay.kick(); // whatever a previous run queued and did not publish
  // A full batch means more is waiting: the service is catching up, not live.
  let catchingUp = false;
  // No record may stop the desk: one that throws is retried while the error may pass, then dead-lettered.
  const guard = guardBatchHandler(
    async (batch) => {
      service.handleBatch(batch);
      catchingUp = batch.length >= MAX_BATCH;
    },
    { consumer: 'alerting', log: o.log, logger: o.logger, clock: o.watchClock ?? o.clock, health: o.health, stuckAfterMs: o.stuckAfterMs },
  );
  const stopWatching = o.health?.onStuck((report, stuck) => raiseStuckTicket(service, o.devices, o.clock.now(), report, stuck, o.logger));
  const consumer: LogConsumer = await o.log.consume(
    { groupId: o.groupId ?? 'oc.alerting', topics: [LOG_TOPICS.events, LOG_TOPICS.telemetry, LOG_TOPICS.status], fromBeginning: o.startAt !== 'end', maxBatchSize: MAX_BATCH },
    guard.handler,
  );
  // Gateway verdicts on devices (cloned, junk flood) arrive as dead letters; they become device-fault tickets.
  const verdictGuard = guardBatchHandler(async (batch) => handleVerdicts(service, o.devices, batch), {
    consumer: 'alerting-verdicts',
    log: o.log,
    logger: o.logger,
    clock: o.watchClock ?? o.clock,
    health: o.health,
    stuckAfterMs: o.stuckAfterMs,
  });
  const verdicts: LogConsumer = await o.log.consume(
    { groupId: `${o.groupId ?? 'oc.alerting'}.verdicts`, topics: [LOG_TOPICS.deadletter], fromBeginning: o.startAt !== 'end', maxBatchSize: MAX_BATCH },
    verdictGuard.handler,
  );
  const tick = () => {
    try {
      service.tick({ catchingUp });
    } catch (err) {
      o.logger.error({ err }, 'alerting timers failed; will run again');
    }
  };
  const timer = timers.every(o.tickIntervalMs ?? 5_000, tick);
  o.logger.info({ devices: o.devices.length }, 'alerting service running');
  let closed: Promise<void> | undefined;
  return {
    service,
    guard,
    tick: () => service.tick(),
    close: () =>
      (closed ??= (async () => {
        stopWatching?.();
        await consumer.close();
        await verdicts.close();
        guard.close();
        verdictGuard.close();
        timer.cancel();
        await relay.close();
        o.store.close();
        o.logger.info({ suppressedBySilence: service.suppressedBySilence }, 'alerting service stopped');
      })()),
  };
}

/**
 * A consumer of this process (alerting itself, the telemetry writer) that one record holds up
 * becomes a ticket for the IoT team, and resolves itself when it moves again.
 */
function raiseStuckTicket(service: AlertingService, devices: readonly DeviceContext[], now: number, report: StuckReport, stuck: boolean, logger: Logger): void {
  try {
    service.raise(consumerStuckSignal(devices, report, stuck ? 'fire' : 'clear', now));
  } catch (err) {
    // The store itself may be what holds the consumer up; the monitor line and /health still say so.
    logger.error({ err, consumer: report.consumer }, 'could not raise the consumer-stuck ticket');
  }
}

/** Dead letters that are the gateway's verdict on a device (only those; the rest are for people to read). */
function handleVerdicts(service: AlertingService, devices: readonly DeviceContext[], batch: readonly LogRecord[]): void {
  for (const record of batch) {
    let letter: { code?: unknown; reason?: unknown; clientId?: unknown };
    try {
      letter = JSON.parse(record.value.toString('utf8')) as typeof letter;
    } catch {
      continue;
    }
    if (!isGatewayVerdict(letter.code) || typeof letter.clientId !== 'string') continue;
    const device = devices.find((d) => d.deviceId === letter.clientId);
    if (!device) continue;
    const position = `${record.topic}/${record.partition}/${record.offset}`;
    service.raise(gatewayVerdictSignal(device, letter.code, typeof letter.reason === 'string' ? letter.reason : '', record.timestamp, position), position);
  }
}
