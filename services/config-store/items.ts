/**
 * The shapes of the items the config store holds for the site (issue 17). The fixture's
 * site file is split into them at seeding (seed.ts) and put back together for every
 * reader (site-items.ts), so export produces the fixture's shape again.
 *
 *   site / 'site'          the skeleton: subdistrict, communities, compounds (no buildings, points or devices)
 *   place / {placeId}      a building, a unit entrance or a public point, with its parents' ids
 *   device / {deviceId}    a device at a place, its settings, its state and its secret's hash
 *   provisioning-key / id  a building's one-time provisioning key (hash only)
 *   roster / 'roster', rules / 'rules', person / {login}: the fixture's roster, rule settings and users
 */
import type { DeviceKind } from '../shared/envelope.ts';
import type { SiteConfig } from '../site/schema.ts';

export type Bilingual = { zh: string; en: string };
export type PlanPoint = { x: number; y: number };

export interface SiteSkeleton {
  version: 1;
  subdistrict: SiteConfig['subdistrict'];
  communities: {
    id: string;
    name: Bilingual;
    compounds: { id: string; name: Bilingual; renterShare?: number; plan?: { w: number; h: number } }[];
  }[];
}

/** `order` keeps the fixture's order of siblings, so an export reads like the file it came from. */
export type PlaceItem =
  | { type: 'building'; compoundId: string; order: number; name: Bilingual; floors?: number; plan?: { x: number; y: number; w: number; h: number } }
  | { type: 'entrance'; compoundId: string; buildingId: string; order: number; name: Bilingual; households: number; renters?: number; plan?: PlanPoint }
  | {
      type: 'gate' | 'lane' | 'parking' | 'manhole' | 'square';
      compoundId: string;
      order: number;
      name: Bilingual;
      depthMm?: number;
      note?: Bilingual;
      plan?: PlanPoint;
    };

export type DeviceState = 'active' | 'revoked';

export interface DeviceItem {
  kind: DeviceKind;
  placeId: string;
  order: number;
  name?: Bilingual;
  model?: string;
  /** What the device is told in its retained config message, over the kind's defaults. */
  settings: Record<string, unknown>;
  state: DeviceState;
  /** Salted SHA-256 of the device secret (services/gateway/credentials.ts); absent until one is issued. */
  secretHash?: string;
  /** Bumped on every rotation, so the audit says a secret changed without showing it. */
  secretRotation: number;
  /** Added while the system runs (API, CSV, provisioning); absent for the fixture's devices, which `npm start` simulates. */
  addedLive?: true;
}

export interface ProvisioningKeyItem {
  buildingId: string;
  keyHash: string;
  /** Set when a device claimed its credentials with it: the key is spent. */
  spentBy?: string;
  spentAt?: number;
}
