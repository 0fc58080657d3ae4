import type { SiteConfig } from '../site/schema.ts';
import type { ConfigChange, ConfigStore } from './port.ts';
import { siteToItems } from './site-items.ts';

/** What a fresh data dir starts from: the fixture files, as read (the site already validated). */
export interface Fixture {
  site: SiteConfig;
  /** The roster file's content. */
  roster: unknown;
  /** The rule settings file's content (`{}` when there is none). */
  rules: unknown;
  /** The ticket policy file's content (SLA deadlines), kept as rules/tickets. */
  tickets?: unknown;
  /** The users file's content: `{ version: 1, users: [...] }`. */
  users: { users: readonly { login: string }[] };
  /** Hashes of device secrets issued before the store existed (device-credentials.json), kept so devices stay in. */
  secretHashes?: ReadonlyMap<string, string>;
}

export const SEED_ACTOR = { actor: 'system:seed' } as const;

/**
 * Fills an empty store from the fixture, in one transaction (all or nothing), each item
 * audited as created by `system:seed` and published on `oc.config` like any change.
 * Returns false, doing nothing, when the store already holds configuration.
 */
export function seedFromFixture(store: ConfigStore, fixture: Fixture): boolean {
  if (!store.isEmpty()) return false;
  const { skeleton, places, devices } = siteToItems(fixture.site);
  const changes: ConfigChange[] = [{ kind: 'site', id: 'site', expectedVersion: 0, value: skeleton }];
  for (const [id, place] of places) changes.push({ kind: 'place', id, expectedVersion: 0, value: place });
  for (const [id, device] of devices) {
    const hash = fixture.secretHashes?.get(id);
    changes.push({ kind: 'device', id, expectedVersion: 0, value: hash ? { ...device, secretHash: hash } : device });
  }
  changes.push({ kind: 'roster', id: 'roster', expectedVersion: 0, value: fixture.roster });
  changes.push({ kind: 'rules', id: 'rules', expectedVersion: 0, value: fixture.rules ?? {} });
  if (fixture.tickets !== undefined) changes.push({ kind: 'rules', id: 'tickets', expectedVersion: 0, value: fixture.tickets ?? {} });
  for (const user of fixture.users.users) changes.push({ kind: 'person', id: user.login, expectedVersion: 0, value: user });
  store.apply(changes, SEED_ACTOR);
  return true;
}
