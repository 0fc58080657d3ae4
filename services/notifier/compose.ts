import type { TrackingLinkSender } from '../api/reports/report-intake.ts';
import type { PushDevices } from '../api/routes/push-devices.ts';
import type { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import { OutgoingRelay } from '../alerting/outgoing-relay.ts';
import type { EventLog, LogConsumer } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import { guardBatchHandler, type GuardedHandler } from '../event-log/guard/guarded-handler.ts';
import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import type { Channel } from './channels/port.ts';
import { robotChannels } from './channels/robots/robot-channels.ts';
import { WebhookChannel } from './channels/webhook-channel.ts';
import { EmailChannel } from './channels/email-channel.ts';
import { AliyunSmsChannel } from './channels/aliyun-sms.ts';
import { trackingLinkSender } from './tracking-link-sms.ts';
import { PushChannel } from './channels/push-channel.ts';
import { loadOrCreateVapidKeys } from './channels/vapid-keys.ts';
import type { NotifierConfig } from './config.ts';
import { DeliverySender } from './delivery-sender.ts';
import { notificationIntake } from './notification-intake.ts';
import type { DeliveryStore } from './store/delivery-store.ts';
import { SqliteDeliveryStore } from './store/sqlite-delivery-store.ts';
import { interactionReceipt } from './interaction-receipt.ts';

export interface NotifierSetup {
  log: EventLog;
  config: NotifierConfig;
  roster: Roster;
  planner: DispatchPlanner;
  clock: Clock;
  logger: Logger;
  /** The process's log consumers; a notification the notifier cannot handle is dead-lettered and reported, never a stall. */
  health?: ConsumerHealth | undefined;
  /** Only for tests: the HTTPS agent for push services (a loopback one with its own certificate). */
  pushAgent?: import('node:https').Agent;
}

export interface Notifier {
  /** The phone page's subscriptions, for the API in the same process. */
  pushDevices: PushDevices;
  store: DeliveryStore;
  /** The public VAPID key the phone page subscribes with (never the private one). */
  vapidPublicKey: string;
  sender: DeliverySender;
  /** Residents' tracking links by SMS (issue 16), when the SMS channel has a tracking template; else none is sent. */
  trackingLinks: TrackingLinkSender | undefined;
  close(): Promise<void>;
}

/**
 * Config to adapters for the notifier; shared by `npm start`, `npm run notifier` and
 * the tests: the delivery store, one adapter per configured channel, the sender,
 * the intake from `oc.tickets` and the relay of receipts to `oc.notifications`.
 */
export async function createNotifier(s: NotifierSetup): Promise<Notifier> {
  const { config, clock, logger } = s;
  const store = SqliteDeliveryStore.open(config.storePath);
  const channels: Channel[] = [];
  if (config.channels.webhooks.length > 0) channels.push(new WebhookChannel(config.channels.webhooks, clock, config.retry.timeoutMs));
  channels.push(...robotChannels(config.channels.robots, clock, config.retry.timeoutMs));
  if (config.channels.smtp) channels.push(new EmailChannel(config.channels.smtp, config.retry.timeoutMs));
  const sms = config.channels.sms ? new AliyunSmsChannel(config.channels.sms, clock, config.retry.timeoutMs) : undefined;
  if (sms) channels.push(sms);
  const trackingLinks = trackingLinkSender(config, clock, logger.child({ part: 'tracking-links' }), sms);
  const vapid = loadOrCreateVapidKeys(config.vapidFile, config.vapidSubject);
  channels.push(new PushChannel(vapid, (id) => store.subscription(id), clock, config.retry.timeoutMs, s.pushAgent));

  const relay = new OutgoingRelay(store, s.log, logger.child({ part: 'receipts' }));
  const sender = new DeliverySender({
    store,
    channels,
    retry: config.retry,
    clock,
    logger,
    onReceipts: () => relay.kick(),
    onSubscriptionGone: (id) => void store.deleteSubscription(id),
  });
  sender.start();
  relay.kick();

  let consumer: LogConsumer | undefined;
  const guard: GuardedHandler = guardBatchHandler(
    notificationIntake({
      store,
      fanOut: { planner: s.planner, channels: config.channels, publicUrl: config.publicUrl, utcOffsetMin: siteOffset(s.roster) },
      clock,
      logger,
      onDeliveries: () => sender.kick(),
      onReceipts: () => relay.kick(),
    }),
    { consumer: 'notifier', log: s.log, logger, clock, health: s.health },
  );
  try {
    consumer = await s.log.consume({ groupId: config.groupId, topics: [LOG_TOPICS.tickets], fromBeginning: config.startAt === 'beginning' }, guard.handler);
  } catch (err) {
    guard.close();
    await sender.close();
    await relay.close();
    store.close();
    throw err;
  }
  logger.info({ channels: channels.map((c) => c.kind), trackingLinksBySms: trackingLinks !== undefined, webhooks: config.channels.webhooks.length, robots: config.channels.robots.length, store: config.storePath }, 'notifier started');
  return {
    store,
    vapidPublicKey: vapid.publicKey,
    pushDevices: {
      vapidPublicKey: vapid.publicKey,
      add: (d) => store.putSubscription(d),
      list: (staffId) => store.subscriptionsOf(staffId),
      remove: (staffId, id) => store.subscription(id)?.staffId === staffId && store.deleteSubscription(id),
      setLang(staffId, id, lang) {
        const s = store.subscription(id);
        if (s?.staffId !== staffId) return false;
        store.putSubscription({ ...s, lang });
        return true;
      },
      recordInteraction(staffId, deliveryId, status) {
        const receipt = interactionReceipt(store.get(deliveryId), staffId, status, clock.now());
        if (!receipt) return false;
        store.recordOutcome([], [receipt]);
        relay.kick();
        return true;
      },
    },
    sender,
    trackingLinks,
    async close() {
      await trackingLinks?.close();
      await consumer?.close();
      guard.close();
      await sender.close();
      await relay.close();
      store.close();
    },
  };
}

const siteOffset = (roster: Roster): number => roster.schedules.find((x) => x.id === roster.supervision.scheduleId)?.utcOffsetMin ?? 480;
