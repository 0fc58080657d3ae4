import type { DeviceItem } from './items.ts';
import type { ConfigChange, ConfigStore } from './port.ts';

export const PROVISION_ACTOR = { actor: 'system:provision' } as const;

/**
 * `npm run provision` writes hashes to device-credentials.json; a separately run gateway
 * (`npm run gateway`) takes over the ones the store lacks: an active device without a
 * secret hash gets the file's (one transaction, audited as `system:provision`, published
 * on `oc.config`). A device that already has a hash keeps it, so a rotation made through
 * the API is never undone by an older file. Returns the ids taken over.
 */
export function adoptProvisionedHashes(store: ConfigStore, hashes: ReadonlyMap<string, string>): string[] {
  const changes: ConfigChange[] = [];
  for (const item of store.list<DeviceItem>('device')) {
    const hash = hashes.get(item.id);
    if (item.value.state !== 'active' || item.value.secretHash || !hash) continue;
    changes.push({ kind: 'device', id: item.id, expectedVersion: item.version, value: { ...item.value, secretHash: hash } });
  }
  if (changes.length > 0) store.apply(changes, PROVISION_ACTOR);
  return changes.map((c) => c.id);
}
