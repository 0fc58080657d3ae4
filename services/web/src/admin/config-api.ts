/** The admin page's calls for people, the roster, rules and places (issue 17, part B). */
import { apiFetch } from '../api/http.ts';
import type { Bilingual } from '../api/types.ts';

export interface RosterWarning {
  code: string;
  teamId: string;
  at: number;
  message: string;
}

export interface Person {
  id: string;
  name: Bilingual;
  teamId: string;
  role: string;
  phone?: string;
  email?: string;
  scheduleId?: string;
  crew?: string;
  disabled: boolean;
  login?: { login: string; role: string };
}

export interface PersonAnswer {
  person: Person;
  version: number;
  warnings: RosterWarning[];
  returnedToDesk: string[];
}

export interface Schedule {
  id: string;
  name: Bilingual;
  shiftHours: number;
  handover: string;
  utcOffsetMin: number;
  epoch: string;
  crews: { id: string; name: Bilingual }[];
  rotation: string[];
}

export interface WeekShift {
  scheduleId: string;
  crew: string;
  startsAt: number;
  endsAt: number;
  shiftStart: string;
  staff: { id: string; name: Bilingual; teamId: string; swappedIn: boolean }[];
  swappedOut: string[];
}

export interface Week {
  version: number;
  from: number;
  schedules: Schedule[];
  swaps: { scheduleId: string; shiftStart: string; off: string; on: string }[];
  shifts: WeekShift[];
  warnings: RosterWarning[];
}

export interface EditAnswer {
  version: number;
  warnings: RosterWarning[];
}

export interface RulesView {
  rules: { version: number; set: { site?: unknown; compounds?: Record<string, unknown>; devices?: Record<string, unknown> }; effective: Record<string, Record<string, Record<string, unknown>>> };
  sla: { version: number; set: Record<string, unknown> };
}

export interface Place {
  id: string;
  version: number;
  type: string;
  compoundId: string;
  buildingId?: string;
  name: Bilingual;
  households?: number;
  renters?: number;
  floors?: number;
  depthMm?: number;
  plan?: { x: number; y: number; w?: number; h?: number };
}

export const getPeople = (signal?: AbortSignal) => apiFetch<{ version: number; people: Person[] }>('/api/people', signal ? { signal } : {});
export const addPerson = (body: Record<string, unknown>) => apiFetch<PersonAnswer>('/api/people', { method: 'POST', body });
export const patchPerson = (id: string, body: Record<string, unknown>) => apiFetch<PersonAnswer>(`/api/people/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export const getWeek = (signal?: AbortSignal) => apiFetch<Week>('/api/roster/week', signal ? { signal } : {});
export const putShift = (id: string, body: Record<string, unknown>) => apiFetch<EditAnswer>(`/api/roster/shifts/${encodeURIComponent(id)}`, { method: 'PUT', body });
export const postSwap = (body: Record<string, unknown>) => apiFetch<EditAnswer>('/api/roster/swap', { method: 'POST', body });

export const getRules = (signal?: AbortSignal) => apiFetch<RulesView>('/api/rules', signal ? { signal } : {});
export const putCompoundRules = (compoundId: string, body: { version: number; settings: unknown }) => apiFetch<{ version: number }>(`/api/rules/compounds/${encodeURIComponent(compoundId)}`, { method: 'PUT', body });
export const putSla = (body: { version: number; policy: unknown }) => apiFetch<{ version: number }>('/api/rules/sla', { method: 'PUT', body });

export const getPlaces = (signal?: AbortSignal) => apiFetch<{ places: Place[] }>('/api/places', signal ? { signal } : {});
export const addPlace = (body: Record<string, unknown>) => apiFetch<{ places: Place[] }>('/api/places', { method: 'POST', body });
export const patchPlace = (id: string, body: Record<string, unknown>) => apiFetch<Place>(`/api/places/${encodeURIComponent(id)}`, { method: 'PATCH', body });
