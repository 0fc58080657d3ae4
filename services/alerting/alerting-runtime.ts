import type { EventLog, LogConsumer } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { AlertingService, type TicketStore } from './alerting-service.ts';
import type { DispatchPlanner } from './domain/dispatch/planner.ts';
import type { DeviceContext } from './domain/model.ts';
import { RuleEngine } from './domain/rules/engine.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import type { TicketPolicy } from './domain/tickets/types.ts';
import { OutgoingRelay } from './outgoing-relay.ts';

export interface AlertingRuntimeOptions {
  log: EventLog;
  store: TicketStore;
  devices: readonly DeviceContext[];
  planner: DispatchPlanner;
  policy: TicketPolicy;
  ruleOverrides?: RuleSettingsOverrides;
  clock: Clock;
  logger: Logger;
  /** How often time-based rules and SLA timers run. */
  tickIntervalMs?: number;
  /** Consumer group; instances sharing it share the work (with Kafka). */
  groupId?: string;
  /** Where a new group starts: the whole log (default) or only what arrives from now on. */
  startAt?: 'beginning' | 'end';
}

export interface AlertingRuntime {
  readonly service: AlertingService;
  /** Runs the timers now (tests, and the API after a command that may have changed deadlines). */
  tick(): void;
  /** Stops reading (the batch in hand finishes and commits), stops timers, publishes what is queued, closes the store. */
  close(): Promise<void>;
}

const MAX_BATCH = 500;

/** The alerting service as a running thing: reads the device topics of the log, ticks, relays ticket changes. */
export async function startAlerting(o: AlertingRuntimeOptions): Promise<AlertingRuntime> {
  const relay = new OutgoingRelay(o.store, o.log, o.logger);
  const service = new AlertingService({
    store: o.store,
    engine: new RuleEngine(o.devices, o.ruleOverrides),
    planner: o.planner,
    policy: o.policy,
    clock: o.clock,
    logger: o.logger,
    onOutgoing: () => relay.kick(),
  });
  relay.kick(); // whatever a previous run queued and did not publish
  // A full batch means more is waiting: the service is catching up, not live.
  let catchingUp = false;
  const consumer: LogConsumer = await o.log.consume(
    { groupId: o.groupId ?? 'oc.alerting', topics: [LOG_TOPICS.events, LOG_TOPICS.telemetry, LOG_TOPICS.status], fromBeginning: o.startAt !== 'end', maxBatchSize: MAX_BATCH },
    async (batch) => {
      service.handleBatch(batch);
      catchingUp = batch.length >= MAX_BATCH;
    },
  );
  const tick = () => {
    try {
      service.tick({ catchingUp });
    } catch (err) {
      o.logger.error({ err }, 'alerting timers failed; will run again');
    }
  };
  const timer = setInterval(tick, o.tickIntervalMs ?? 5_000);
  timer.unref();
  o.logger.info({ devices: o.devices.length }, 'alerting service running');
  let closed: Promise<void> | undefined;
  return {
    service,
    tick: () => service.tick(),
    close: () =>
      (closed ??= (async () => {
        await consumer.close();
        clearInterval(timer);
        await relay.close();
        o.store.close();
        o.logger.info({ suppressedBySilence: service.suppressedBySilence }, 'alerting service stopped');
      })()),
  };
}
