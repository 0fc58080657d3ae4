/** The admin routes of the API (issue 17), as the admin page calls them. */
import { apiFetch } from '../api/http.ts';

export type DeviceKind = 'door' | 'camera' | 'drain';
export const DEVICE_KINDS: readonly DeviceKind[] = ['door', 'camera', 'drain'];

export interface AdminDevice {
  deviceId: string;
  version: number;
  kind: DeviceKind;
  placeId: string;
  name?: { zh: string; en: string };
  model?: string;
  settings: Record<string, unknown>;
  state: 'active' | 'revoked';
  secretRotation: number;
  status: 'online' | 'offline' | 'unknown';
  updatedAt: number;
  updatedBy: string;
}

export interface IssuedSecret {
  deviceId: string;
  secret: string;
  version: number;
}

export interface ImportReport {
  created: (IssuedSecret & { row: number })[];
  refused: { row: number; deviceId: string; code: string; message: string }[];
}

export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  address: string | null;
  kind: string;
  id: string;
  version: number;
  op: 'create' | 'update' | 'delete';
  before: unknown;
  after: unknown;
}

export interface AuditQuery {
  kind?: string;
  id?: string;
  actor?: string;
  since?: string;
  before?: number;
}

/** A place a device may hang at (a unit entrance or a public point), named as the desk names it. */
export interface MountPlace {
  id: string;
  type: string;
  name: { zh: string; en: string };
  buildingId?: string;
}

interface SiteFile {
  communities: {
    compounds: {
      buildings: { id: string; name: { zh: string; en: string }; entrances: { id: string; name: { zh: string; en: string } }[] }[];
      publicPoints: { id: string; type: string; name: { zh: string; en: string } }[];
    }[];
  }[];
}

export const listDevices = () => apiFetch<{ devices: AdminDevice[] }>('/api/admin/devices').then((r) => r.devices);
export const addDevice = (body: { deviceId: string; kind: string; placeId: string; name?: { zh: string; en: string } }) => apiFetch<IssuedSecret>('/api/devices', { method: 'POST', body });
export const moveDevice = (id: string, version: number, placeId: string) => apiFetch<AdminDevice>(`/api/devices/${encodeURIComponent(id)}`, { method: 'PATCH', body: { version, placeId } });
export const rotateDevice = (id: string) => apiFetch<IssuedSecret>(`/api/devices/${encodeURIComponent(id)}/rotate`, { method: 'POST', body: {} });
export const revokeDevice = (id: string) => apiFetch<AdminDevice>(`/api/devices/${encodeURIComponent(id)}/revoke`, { method: 'POST', body: {} });
export const importDevices = (csv: string) => apiFetch<ImportReport>('/api/devices/import', { method: 'POST', rawBody: { type: 'text/csv', text: csv } });
export const issueKey = (buildingId: string) => apiFetch<{ keyId: string; buildingId: string; key: string }>('/api/provisioning-keys', { method: 'POST', body: { buildingId } });

export function auditEntries(q: AuditQuery): Promise<AuditEntry[]> {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
  params.set('limit', '100');
  return apiFetch<{ entries: AuditEntry[] }>(`/api/audit?${params.toString()}`).then((r) => r.entries);
}

/** The site's buildings and the places devices hang at, from GET /api/site. */
export async function sitePlaces(): Promise<{ buildings: MountPlace[]; places: MountPlace[] }> {
  const site = await apiFetch<SiteFile>('/api/site');
  const buildings: MountPlace[] = [];
  const places: MountPlace[] = [];
  for (const compound of site.communities.flatMap((c) => c.compounds)) {
    for (const b of compound.buildings) {
      buildings.push({ id: b.id, type: 'building', name: b.name });
      for (const e of b.entrances) places.push({ id: e.id, type: 'entrance', buildingId: b.id, name: { zh: `${b.name.zh}${e.name.zh}`, en: `${b.name.en} ${e.name.en}` } });
    }
    for (const p of compound.publicPoints) places.push({ id: p.id, type: p.type, name: p.name });
  }
  return { buildings, places };
}
