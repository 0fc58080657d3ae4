/**
 * What a push carries (the notifier's pushPayload, services/notifier/channels/push-channel.ts)
 * and how the phone shows it: the ticket's line in the language the device was subscribed
 * in, Accept and Open as buttons. No worker globals here, so the page and tests use it too.
 */

export type PushAction = 'accept' | 'open';

export interface PushMessage {
  v: 1;
  deliveryId: string;
  ticketId: string;
  kind: string;
  priority: string;
  lang: 'zh' | 'en';
  title: string;
  message: { zh: string; en: string };
  url: string;
  actions: PushAction[];
}

/** What the notification keeps for its click: enough to accept, report the receipt and open the ticket. */
export interface NotificationData {
  deliveryId: string;
  ticketId: string;
  lang: 'zh' | 'en';
  canAccept: boolean;
}

export interface NotificationSpec {
  title: string;
  options: {
    body: string;
    tag: string;
    data: NotificationData;
    actions: { action: PushAction; title: string }[];
    requireInteraction: boolean;
    renotify: boolean;
    lang: string;
    icon?: string;
  };
}

const BUTTONS: Record<'zh' | 'en', Record<PushAction, string>> = {
  zh: { accept: '接单', open: '查看' },
  en: { accept: 'Accept', open: 'Open' },
};

/** Null for a push this page cannot read (a foreign sender, an older format): it is shown as a plain "something new" by the worker. */
export function parsePushMessage(text: string | null | undefined): PushMessage | null {
  if (!text) return null;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const m = body as Partial<PushMessage> | null;
  if (!m || m.v !== 1 || typeof m.deliveryId !== 'string' || typeof m.ticketId !== 'string' || typeof m.title !== 'string') return null;
  const actions = Array.isArray(m.actions) ? m.actions.filter((a): a is PushAction => a === 'accept' || a === 'open') : ['open' as const];
  const lang = m.lang === 'en' ? 'en' : 'zh';
  const message = m.message && typeof m.message.zh === 'string' && typeof m.message.en === 'string' ? m.message : { zh: m.title, en: m.title };
  return { v: 1, deliveryId: m.deliveryId, ticketId: m.ticketId, kind: String(m.kind ?? ''), priority: String(m.priority ?? ''), lang, title: m.title, message, url: String(m.url ?? ''), actions };
}

/**
 * The notification for a push. The tag is the ticket, so a reminder replaces the dispatch
 * it reminds of instead of stacking; a P1 or P2 stays on screen until the person acts.
 */
export function notificationFor(m: PushMessage, icon?: string): NotificationSpec {
  const buttons = BUTTONS[m.lang];
  const other = m.lang === 'zh' ? m.message.en : m.message.zh;
  return {
    title: m.title,
    options: {
      body: [m.priority && `${m.priority} · ${m.ticketId}`, other !== m.title ? other : ''].filter(Boolean).join('\n'),
      tag: `ticket-${m.ticketId}`,
      data: { deliveryId: m.deliveryId, ticketId: m.ticketId, lang: m.lang, canAccept: m.actions.includes('accept') },
      actions: m.actions.map((a) => ({ action: a, title: buttons[a] })),
      requireInteraction: m.priority === 'P1' || m.priority === 'P2',
      renotify: true,
      lang: m.lang === 'zh' ? 'zh-CN' : 'en',
      ...(icon ? { icon } : {}),
    },
  };
}

/** Where Open (or a tap on the notification) takes the person: their phone page, at that ticket. */
export const ticketPageUrl = (ticketId: string): string => `/m#/ticket/${encodeURIComponent(ticketId)}`;

/** The ticket a phone-page URL points at, if any. */
export function ticketInUrlHash(hash: string): string | undefined {
  const m = /^#\/ticket\/([^/?#]+)$/.exec(hash);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

export function isNotificationData(v: unknown): v is NotificationData {
  const d = v as Partial<NotificationData> | null;
  return !!d && typeof d.deliveryId === 'string' && typeof d.ticketId === 'string';
}
