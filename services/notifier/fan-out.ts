import type { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import type { Notification } from '../alerting/domain/tickets/types.ts';
import type { DeliveryReceipt, ReceiptRecipient } from '../shared/delivery-receipt.ts';
import type { ChannelsFile } from './channels-file.ts';
import { deliveryIdOf, type Delivery, type OutboundMessage } from './delivery.ts';
import type { PushSubscriptionRecord } from './store/delivery-store.ts';
import { quietUntil } from './quiet-hours.ts';

export interface FanOutContext {
  planner: DispatchPlanner;
  channels: ChannelsFile;
  subscriptionsOf(staffId: string): PushSubscriptionRecord[];
  publicUrl: string;
  /** Local time offset of the site (minutes east of UTC), for quiet hours. */
  utcOffsetMin: number;
}

export interface FanOut {
  deliveries: Delivery[];
  /** Receipts of deliveries final at birth (someone with no channel). */
  receipts: DeliveryReceipt[];
  /** Log-worthy facts: who had no channel. */
  unreachable: string[];
}

const GROUP_PRIORITIES = ['P1', 'P2'];

/**
 * Turns one notification into deliveries, resolving its target to people from the
 * roster at `now`: the integrators' webhooks get every notification; the duty
 * group's robots the P1/P2 news the desk gets (and escalations); a person every
 * channel they have (push to each device, email); a partner department its email
 * or group. Pure: no I/O, `now` given.
 */
export function fanOut(n: Notification, now: number, ctx: FanOutContext): FanOut {
  const out: FanOut = { deliveries: [], receipts: [], unreachable: [] };
  const message: OutboundMessage = {
    notificationId: n.id,
    ticketId: n.ticketId,
    kind: n.kind,
    priority: n.priority,
    message: n.message,
    at: n.at,
    ticketUrl: `${ctx.publicUrl}/#/ticket/${encodeURIComponent(n.ticketId)}`,
    lang: 'zh',
  };
  const add = (channel: Delivery['channel'], recipient: ReceiptRecipient, target: string, extra: Partial<Delivery> = {}, key = n.id) => {
    out.deliveries.push({
      id: deliveryIdOf(key, channel, recipient, target),
      notificationId: n.id,
      ticketId: n.ticketId,
      channel,
      recipient,
      target,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      message,
      createdAt: now,
      updatedAt: now,
      ...extra,
    });
  };

  for (const w of ctx.channels.webhooks) {
    if (!w.priorities || w.priorities.includes(n.priority)) add('webhook', { kind: 'integrator', id: w.id }, w.id);
  }

  const to = n.to;
  const groupWorthy = ('role' in to && to.role === 'operator') || (n.kind === 'ticket.escalated' && 'role' in to && to.role === 'supervisor') || ('role' in to && to.staffId === undefined);
  if (groupWorthy) {
    // One post per ticket change and kind: an escalation paging supervisor and manager is one card in the group.
    const groupKey = `${n.id.replace(/\/\d+$/, '')}/${n.kind}`;
    for (const r of ctx.channels.robots) {
      if ((r.priorities ?? GROUP_PRIORITIES).includes(n.priority)) add(r.kind, { kind: 'group', id: r.id }, r.id, {}, groupKey);
    }
    if (ctx.channels.smtp && GROUP_PRIORITIES.includes(n.priority)) {
      for (const [i, address] of ctx.channels.smtp.dutyGroup.entries()) add('email', { kind: 'group', id: `duty-email-${i + 1}` }, 'smtp', { address }, groupKey);
    }
  }

  const person = personOf(n, now, ctx);
  if (person) {
    const member = ctx.planner.staff(person);
    const recipient: ReceiptRecipient = { kind: 'person', id: person };
    const personal = { ...message, recipientName: member?.name };
    const prefs = ctx.channels.people[person];
    // Quiet hours hold back routine work only; a P1/P2 always goes out at once.
    const wait = n.priority === 'P3' || n.priority === 'P4' ? quietUntil(prefs?.quietHours, now, ctx.utcOffsetMin) : undefined;
    const before = out.deliveries.length;
    for (const s of ctx.subscriptionsOf(person)) add('push', recipient, s.id, { message: personal, nextAttemptAt: wait ?? now });
    if (prefs?.email && ctx.channels.smtp) add('email', recipient, 'smtp', { message: personal, address: prefs.email, nextAttemptAt: wait ?? now });
    // SMS costs money and wakes people: only the priorities the channels file names (P1 by default).
    const phone = (prefs?.phone ?? member?.phone)?.replace(/[^\d+]/g, '');
    if (phone && ctx.channels.sms?.priorities.includes(n.priority)) add('sms', recipient, 'aliyun', { message: personal, address: phone, nextAttemptAt: wait ?? now });
    if (out.deliveries.length === before) noChannel(out, n, recipient, now, `${person} has no channel (no push subscription, no email or SMS for this priority)`);
  }

  if ('departmentId' in to) {
    const recipient: ReceiptRecipient = { kind: 'department', id: to.departmentId };
    const dep = ctx.channels.departments[to.departmentId];
    const robot = dep?.robot ? ctx.channels.robots.find((r) => r.id === dep.robot) : undefined;
    const before = out.deliveries.length;
    if (robot) add(robot.kind, recipient, robot.id);
    if (dep?.email && ctx.channels.smtp) add('email', recipient, 'smtp', { address: dep.email });
    if (out.deliveries.length === before) noChannel(out, n, recipient, now, `department ${to.departmentId} has no channel (no email or robot in the channels file)`);
  }
  return out;
}

/** The person a notification is for, resolved from the roster at `now` when it names only a role. */
function personOf(n: Notification, now: number, ctx: FanOutContext): string | undefined {
  const to = n.to;
  if ('departmentId' in to) return undefined;
  if ('staffId' in to && to.staffId !== undefined) return to.staffId;
  if ('role' in to && to.role === 'supervisor') return ctx.planner.supervisorOnDuty(now)?.id;
  if ('role' in to && to.role === 'manager') return ctx.planner.manager().id;
  return undefined;
}

function noChannel(out: FanOut, n: Notification, recipient: ReceiptRecipient, now: number, reason: string): void {
  const id = deliveryIdOf(n.id, 'none', recipient, 'none');
  out.unreachable.push(reason);
  out.deliveries.push({
    id,
    notificationId: n.id,
    ticketId: n.ticketId,
    channel: 'none',
    recipient,
    target: 'none',
    status: 'given-up',
    attempts: 0,
    nextAttemptAt: now,
    lastError: `OC_NOTIFY_NO_CHANNEL: ${reason}`,
    message: { notificationId: n.id, ticketId: n.ticketId, kind: n.kind, priority: n.priority, message: n.message, at: n.at, ticketUrl: '', lang: 'zh' },
    createdAt: now,
    updatedAt: now,
  });
  out.receipts.push({ v: 1, id: `${id}#0#given-up`, deliveryId: id, notificationId: n.id, ticketId: n.ticketId, channel: 'none', recipient, status: 'given-up', attempt: 0, at: now, reason: `OC_NOTIFY_NO_CHANNEL: ${reason}` });
}
