/** What a person did with a notification, as POST /api/push/receipts takes it (services/api/routes/push-devices.ts). */
export type PushInteraction = 'clicked' | 'accepted';

export const PUSH_RECEIPTS_PATH = '/api/push/receipts';

export const acceptPath = (ticketId: string): string => `/api/tickets/${encodeURIComponent(ticketId)}/accept`;
