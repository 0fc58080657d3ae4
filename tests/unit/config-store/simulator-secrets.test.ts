import { afterEach, beforeEach, expect, it } from 'vitest';
import { DeviceAdmin } from '../../../services/admin/device-admin.ts';
import { seedFromFixture } from '../../../services/config-store/seed.ts';
import { issueSimulatorSecrets } from '../../../services/config-store/simulator-secrets.ts';
import { SqliteConfigStore } from '../../../services/config-store/sqlite-config-store.ts';
import { verifySecret } from '../../../services/gateway/credentials.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { loadSite } from '../../../services/site/load.ts';

/** The simulated devices of npm start get secrets the store's hashes fit; devices added live are real ones and keep theirs. */
let store: SqliteConfigStore;
beforeEach(() => {
  store = SqliteConfigStore.open({ path: ':memory:', clock: new ManualClock(0) });
  seedFromFixture(store, { site: loadSite(), roster: {}, rules: {}, users: { users: [] } });
});
afterEach(() => store.close());

it('issues once, again after an API rotation, and never for a device added live', () => {
  const secrets = new Map<string, string>();
  const first = issueSimulatorSecrets(store, secrets);
  expect(first.length).toBe(store.list('device').length);
  expect(issueSimulatorSecrets(store, secrets)).toEqual([]);
  const admin = new DeviceAdmin(store);
  admin.rotate('dl8-cam-01', { actor: 'admin' });
  const live = admin.create({ deviceId: 'dl8-cam-13', kind: 'camera', placeId: 'lane-1' }, { actor: 'admin' });
  expect(issueSimulatorSecrets(store, secrets)).toEqual(['dl8-cam-01']);
  const hash = (id: string) => (store.get('device', id)!.value as { secretHash: string }).secretHash;
  expect(verifySecret(secrets.get('dl8-cam-01')!, hash('dl8-cam-01'))).toBe(true);
  expect(secrets.has('dl8-cam-13')).toBe(false);
  expect(verifySecret(live.secret, hash('dl8-cam-13'))).toBe(true);
  expect(store.audit({ actor: 'system:simulator' }).length).toBe(first.length + 1);
});
