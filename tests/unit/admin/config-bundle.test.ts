import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bundleToYaml, exportBundle, importChanges, parseBundle } from '../../../services/admin/config-bundle.ts';
import { fixtureBundle } from '../../../services/admin/fixture-bundle.ts';
import { SqliteConfigStore } from '../../../services/config-store/sqlite-config-store.ts';
import { readConfigFile } from '../../../services/shared/config-file.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import { REFERENCE_SITE_PATH } from '../../../services/site/load.ts';
import { REFERENCE_ROSTER_PATH } from '../../../services/alerting/roster-file.ts';

/** Export → import into an empty store → export gives the same YAML; each section is the fixture file's shape. */
const stores: SqliteConfigStore[] = [];
const freshStore = () => {
  const s = SqliteConfigStore.open({ path: ':memory:', clock: new ManualClock(Date.UTC(2026, 11, 7, 6)) });
  stores.push(s);
  return s;
};
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const importInto = (store: SqliteConfigStore, yamlText: string) => {
  const bundle = parseBundle(yamlText);
  store.apply(importChanges(bundle, (k) => store.list(k), (k, id) => store.versionOf(k, id)), { actor: 'admin', address: '127.0.0.1' });
};
const exportOf = (store: SqliteConfigStore) => bundleToYaml(exportBundle((k) => store.list(k)));

describe('configuration export and import', () => {
  it('round-trips: export, import into an empty store, export again: the same text', () => {
    const a = freshStore();
    importInto(a, bundleToYaml(fixtureBundle()));
    const first = exportOf(a);
    const b = freshStore();
    importInto(b, first);
    expect(exportOf(b)).toBe(first);
  });

  it('each section is the fixture file it is named after', () => {
    const a = freshStore();
    importInto(a, bundleToYaml(fixtureBundle()));
    const exported = parse(exportOf(a)) as Record<string, unknown>;
    expect(exported.site).toEqual(readConfigFile(REFERENCE_SITE_PATH, 'site'));
    expect(exported.roster).toEqual(readConfigFile(REFERENCE_ROSTER_PATH, 'roster'));
    expect(Object.keys(exported)).toEqual(['version', 'site', 'roster', 'rules', 'tickets', 'users']);
  });

  it('exports no secret in clear: no device secrets, users only as scrypt hashes', () => {
    const a = freshStore();
    importInto(a, bundleToYaml(fixtureBundle()));
    const device = a.list('device')[0]!;
    a.put('device', device.id, { ...(device.value as object), secretHash: 'sha256$salt$abcdef' }, device.version, { actor: 'admin' });
    const text = exportOf(a);
    expect(text).not.toContain('secretHash');
    expect(text).not.toContain('abcdef');
    expect(text).not.toMatch(/password:/);
    for (const u of (parse(text) as { users: { users: { passwordHash: string }[] } }).users.users) expect(u.passwordHash).toMatch(/^scrypt\$/);
  });

  it('a re-import of its own export changes nothing, and keeps the devices\' secret hashes', () => {
    const a = freshStore();
    importInto(a, bundleToYaml(fixtureBundle()));
    const device = a.list('device')[0]!;
    a.put('device', device.id, { ...(device.value as object), secretHash: 'sha256$salt$abcdef' }, device.version, { actor: 'admin' });
    const audited = a.audit({ limit: 10_000 }).length;
    importInto(a, exportOf(a));
    expect(a.audit({ limit: 10_000 }).length).toBe(audited);
    expect((a.get('device', device.id)!.value as { secretHash?: string }).secretHash).toBe('sha256$salt$abcdef');
  });

  it('an import removes what the file no longer has, in the same transaction', () => {
    const a = freshStore();
    importInto(a, bundleToYaml(fixtureBundle()));
    const bundle = parse(exportOf(a)) as { site: { communities: { compounds: { devices: { id: string }[] }[] }[] } };
    const compound = bundle.site.communities[0]!.compounds[0]!;
    const gone = compound.devices.pop()!;
    importInto(a, bundleToYaml(bundle as never));
    expect(a.get('device', gone.id)).toBeUndefined();
    expect(a.audit({ kind: 'device', id: gone.id, limit: 1 })[0]).toMatchObject({ op: 'delete', actor: 'admin' });
  });

  it.each([
    ['not: [yaml', /not YAML/, 'body'],
    ['version: 2', /version: must be 1/, 'version'],
    ['version: 1\nextra: 1', /extra: is not a known section/, 'extra'],
  ])('refuses %j with OC_CONFIG_IMPORT_INVALID', (text, message, field) => {
    try {
      parseBundle(text);
      expect.unreachable();
    } catch (err) {
      expect(isOcError(err, 'OC_CONFIG_IMPORT_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(message);
      expect((err as { details: { field: string } }).details.field).toBe(field);
    }
  });

  it('names the section and the key at fault', () => {
    const bundle = parse(bundleToYaml(fixtureBundle())) as { roster: { staff: { teamId: string }[] }; rules: Record<string, unknown> };
    bundle.roster.staff[3]!.teamId = 'nobody';
    expect(() => parseBundle(bundleToYaml(bundle as never))).toThrow(/roster: staff\.3\.teamId: unknown team 'nobody'/);
    const other = parse(bundleToYaml(fixtureBundle())) as { rules: { site: { door: Record<string, number> } } };
    other.rules.site.door.heldOpenMs = -1;
    expect(() => parseBundle(bundleToYaml(other as never))).toThrow(/rules: .*door\.heldOpenMs must be a positive number/);
  });
});
