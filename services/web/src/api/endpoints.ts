import type { Alert } from '../../../alerting/domain/alerts/alert.ts';
/**
 * The API routes the pages call, one function each, so a change of the contract is a
 * change here and nowhere else.
 */
import { randomId } from '../logic/ids.ts';
import { apiFetch } from './http.ts';
import type { ActionResult, Bilingual, CommandType, DeviceInfo, OnDutyInfo, RosterInfo, SessionUser, Ticket, TicketDetail } from './types.ts';
import type { LevelSeries, PeopleReport, ShiftReport, SitePlan, SlaReport } from './views.ts';

export const getSession = () => apiFetch<{ user: SessionUser }>('/api/session').then((r) => r.user);
export const signIn = (login: string, password: string) => apiFetch<{ user: SessionUser }>('/api/session', { method: 'POST', body: { login, password } }).then((r) => r.user);
export const signOut = () => apiFetch<void>('/api/session', { method: 'DELETE' });

export interface TicketQuery {
  state?: string[];
  community?: string;
  compound?: string;
  category?: string;
  mine?: boolean;
  limit?: number;
}

export function listTickets(q: TicketQuery = {}, signal?: AbortSignal): Promise<Ticket[]> {
  const p = new URLSearchParams();
  if (q.state?.length) p.set('state', q.state.join(','));
  if (q.community) p.set('community', q.community);
  if (q.compound) p.set('compound', q.compound);
  if (q.category) p.set('category', q.category);
  if (q.mine) p.set('mine', 'true');
  p.set('limit', String(q.limit ?? 500));
  return apiFetch<{ tickets: Ticket[] }>(`/api/tickets?${p}`, { ...(signal ? { signal } : {}) }).then((r) => r.tickets);
}

/** The newest alerts (signals, ticket or not), for the desk's live strip. */
export const listAlerts = (limit = 40, signal?: AbortSignal) => apiFetch<{ alerts: Alert[] }>(`/api/alerts?limit=${limit}`, { ...(signal ? { signal } : {}) }).then((r) => r.alerts);

export const getTicket = (id: string, signal?: AbortSignal) => apiFetch<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`, { ...(signal ? { signal } : {}) });

export interface ActionBody {
  note?: string;
  staffId?: string;
  teamId?: string;
  to?: { kind: 'team'; teamId: string } | { kind: 'department'; departmentId: string };
}

/** A call logged by the desk (issue 16): opens a ticket, or joins the open one of the category at the place. */
export interface CallBody {
  placeId: string;
  category: string;
  description: string;
  callerName?: string;
  callerPhone?: string;
}
export const logCall = (actionId: string, body: CallBody) => apiFetch<{ ticket: Ticket; reportId: string; merged: boolean; reportCount: number }>('/api/tickets', { method: 'POST', body: { ...body, actionId } });

/** A person's report on a ticket; phone and caller in full for the desk. */
export interface TicketReport {
  id: string;
  source: string;
  category: string;
  description: string;
  createdAt: number;
  callerName?: string;
  phone?: string;
  photoIds: string[];
  rating?: { stars: number; comment?: string; at: number };
}
export const getTicketReports = (ticketId: string, signal?: AbortSignal) =>
  apiFetch<{ source: string; reportCount: number; reports: TicketReport[] }>(`/api/tickets/${encodeURIComponent(ticketId)}/reports`, { ...(signal ? { signal } : {}) });

/** One action on a ticket. `actionId` is made by the page; a retry with it is applied once by the server. */
export const actOnTicket = (ticketId: string, action: CommandType, actionId: string, body: ActionBody = {}, timeoutMs?: number) =>
  apiFetch<ActionResult>(`/api/tickets/${encodeURIComponent(ticketId)}/${action}`, { method: 'POST', body: { ...body, actionId }, ...(timeoutMs ? { timeoutMs } : {}) });

export const listDevices = (signal?: AbortSignal) => apiFetch<{ devices: DeviceInfo[] }>('/api/devices', { ...(signal ? { signal } : {}) }).then((r) => r.devices);
export const getRoster = () => apiFetch<RosterInfo>('/api/roster');
export const getOnDuty = () => apiFetch<OnDutyInfo>('/api/roster/on-duty');
export const getSitePlan = (signal?: AbortSignal) => apiFetch<SitePlan>('/api/site/plan', { ...(signal ? { signal } : {}) });
export const getShift = (signal?: AbortSignal) => apiFetch<ShiftReport>('/api/shift', { ...(signal ? { signal } : {}) });
export const getSlaReport = (signal?: AbortSignal) => apiFetch<SlaReport>('/api/reports/sla', { ...(signal ? { signal } : {}) });
export const getPeopleReport = (signal?: AbortSignal) => apiFetch<PeopleReport>('/api/reports/people', { ...(signal ? { signal } : {}) });

export function getLevels(deviceId: string, from: number, to: number, signal?: AbortSignal): Promise<LevelSeries> {
  const p = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  return apiFetch<LevelSeries>(`/api/devices/${encodeURIComponent(deviceId)}/level?${p}`, { ...(signal ? { signal } : {}) });
}

/** What the notifier did for a ticket, from its receipts (issue 15). */
export interface DeliveryInfo {
  deliveryId: string;
  channel: string;
  recipient: { kind: string; id: string };
  status: string;
  attempts: number;
  lastAt: number;
  reason?: string;
  mergedCount?: number;
  /** Every receipt of it, oldest first: sent, failed and retried, opened, accepted. */
  history?: { status: string; at: number; attempt: number; reason?: string }[];
}
export const getDeliveries = (ticketId: string, signal?: AbortSignal) =>
  apiFetch<{ deliveries: DeliveryInfo[] }>(`/api/tickets/${encodeURIComponent(ticketId)}/deliveries`, { ...(signal ? { signal } : {}) }).then((r) => r.deliveries);

/** Per person on shift, whether any channel of theirs works (null: fine). */
export const getReachability = (signal?: AbortSignal) =>
  apiFetch<{ people: Array<{ staffId: string; warning: 'no-channel' | 'last-delivery-failed' | null }> }>('/api/shift/reachability', { ...(signal ? { signal } : {}) }).then((r) => r.people);

/** An id for one action, made once and kept with it through every retry. */
export const newActionId = (): string => randomId();

/** The signed-in person's place in the rota (the phone page, when nothing is dispatched). */
export interface MyShift {
  now: number;
  onDuty: boolean;
  team: { id: string; name: Bilingual } | null;
  crewName: Bilingual | null;
  current: { start: number; end: number } | null;
  next: { start: number; end: number } | null;
  supervisor: { name: Bilingual; phone: string | null } | null;
}
export const getMyShift = (signal?: AbortSignal) => apiFetch<MyShift>('/api/shift/mine', { ...(signal ? { signal } : {}) });

/** One of the signed-in person's browsers that receives push notifications (never its endpoint or keys). */
export interface PushDevice {
  id: string;
  label: string;
  createdAt: number;
  lastError?: string;
}
export const getPushKey = () => apiFetch<{ publicKey: string }>('/api/push/key').then((r) => r.publicKey);
export const listPushDevices = (signal?: AbortSignal) => apiFetch<{ devices: PushDevice[] }>('/api/push/subscriptions', { ...(signal ? { signal } : {}) }).then((r) => r.devices);
/** The browser's PushSubscription as JSON, with the language its notifications are to be in. */
export const addPushDevice = (body: { endpoint: string; keys: { p256dh: string; auth: string }; label: string; lang: 'zh' | 'en' }) => apiFetch<PushDevice>('/api/push/subscriptions', { method: 'POST', body });
export const setPushDeviceLang = (id: string, lang: 'zh' | 'en') => apiFetch<void>(`/api/push/subscriptions/${encodeURIComponent(id)}`, { method: 'PUT', body: { lang } });
export const revokePushDevice = (id: string) => apiFetch<void>(`/api/push/subscriptions/${encodeURIComponent(id)}`, { method: 'DELETE' });
