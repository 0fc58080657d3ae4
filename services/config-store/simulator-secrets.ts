import { generateSecret, hashSecret, verifySecret } from '../gateway/credentials.ts';
import type { DeviceItem } from './items.ts';
import type { ConfigChange, ConfigStore } from './port.ts';

export const SIMULATOR_ACTOR = { actor: 'system:simulator' } as const;

/**
 * The simulated devices of `npm start` (the fixture's; never one added while running, which
 * is a real device with its own secret) need their plain secrets: one without a hash, or
 * whose secret the simulator does not hold, gets a new one, its hash in the store (one
 * transaction, audited as `system:simulator`), the secret in `secrets`. A secret that no
 * longer fits its hash (rotated through the API) is replaced too. Returns the ids issued.
 */
export function issueSimulatorSecrets(store: ConfigStore, secrets: Map<string, string>): string[] {
  const changes: ConfigChange[] = [];
  const fresh = new Map<string, string>();
  for (const item of store.list<DeviceItem>('device')) {
    if (item.value.state !== 'active' || item.value.addedLive) continue;
    // An admin may have rotated it through the API: the simulator's secret then no longer fits.
    const held = secrets.get(item.id);
    if (item.value.secretHash && held !== undefined && verifySecret(held, item.value.secretHash)) continue;
    const secret = generateSecret();
    changes.push({ kind: 'device', id: item.id, expectedVersion: item.version, value: { ...item.value, secretHash: hashSecret(secret) } });
    fresh.set(item.id, secret);
  }
  if (changes.length > 0) store.apply(changes, SIMULATOR_ACTOR);
  for (const [id, secret] of fresh) secrets.set(id, secret);
  return [...fresh.keys()];
}
