import { afterEach, beforeEach, expect, it } from 'vitest';
import { DeviceAdmin } from '../../../services/admin/device-admin.ts';
import { adoptProvisionedHashes } from '../../../services/config-store/provisioned-hashes.ts';
import { seedFromFixture } from '../../../services/config-store/seed.ts';
import { SqliteConfigStore } from '../../../services/config-store/sqlite-config-store.ts';
import { hashSecret } from '../../../services/gateway/credentials.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { loadSite } from '../../../services/site/load.ts';

/** `npm run gateway` takes over what `npm run provision` wrote for devices the store holds without a hash, and nothing else. */
let store: SqliteConfigStore;
beforeEach(() => {
  store = SqliteConfigStore.open({ path: ':memory:', clock: new ManualClock(0) });
  seedFromFixture(store, { site: loadSite(), roster: {}, rules: {}, users: { users: [] } });
});
afterEach(() => store.close());

const hashOf = (id: string) => (store.get('device', id)!.value as { secretHash?: string }).secretHash;

it('adopts a hash for an active device without one, keeps an API rotation, skips revoked and unknown devices', () => {
  const admin = new DeviceAdmin(store);
  admin.rotate('dl8-cam-01', { actor: 'admin' });
  const rotated = hashOf('dl8-cam-01');
  admin.revoke('dl8-cam-02', { actor: 'admin' });
  const file = new Map([
    ['dl8-drain-m3', hashSecret('from-the-file-m3')],
    ['dl8-cam-01', hashSecret('an-older-secret')],
    ['dl8-cam-02', hashSecret('a-revoked-one')],
    ['no-such-device', hashSecret('stray')],
  ]);

  expect(adoptProvisionedHashes(store, file)).toEqual(['dl8-drain-m3']);
  expect(hashOf('dl8-drain-m3')).toBe(file.get('dl8-drain-m3'));
  expect(hashOf('dl8-cam-01')).toBe(rotated);
  expect(hashOf('dl8-cam-02')).toBeUndefined();
  expect(store.audit({ actor: 'system:provision' }).map((e) => e.id)).toEqual(['dl8-drain-m3']);
  // Once taken over, a second start changes nothing.
  expect(adoptProvisionedHashes(store, file)).toEqual([]);
});
