/**
 * Export and import of the whole configuration (issue 17). The export is one YAML document
 * whose sections are the fixture's files, each in that file's own shape:
 *
 *   version: 1
 *   site:    services/site/reference/dianliu-block8.yaml          (buildings, units, points, devices)
 *   roster:  services/alerting/reference/dianliu-block8-roster.yaml (disabled people say `disabled: true`)
 *   rules:   services/alerting/reference/dianliu-block8-rules.yaml
 *   tickets: services/alerting/reference/dianliu-block8-tickets.yaml
 *   users:   services/api/reference/users.yaml                      (scrypt hashes only, as in that file)
 *
 * so any section can be cut out and used as a file, and a file pasted in as a section.
 * No secret is exported in clear: the store holds none (devices and users have hashes), and
 * device secret hashes are not part of the site shape, so they stay behind: a device moved
 * to another installation by an import is given a new secret there.
 */
import { parse, stringify } from 'yaml';
import { parseUsers, type UserEntry } from '../api/auth/users-file.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import { toDeviceContext } from '../alerting/device-context.ts';
import type { ConfigChange, ConfigItem, ConfigKind } from '../config-store/port.ts';
import type { DeviceItem } from '../config-store/items.ts';
import { siteFromItems, siteItemsOf, siteToItems } from '../config-store/site-items.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { listDevices } from '../site/devices.ts';
import { parseSite } from '../site/load.ts';
import type { SiteConfig } from '../site/schema.ts';
import { checkedTicketPolicy, valuesChecked, type RulesItem } from './rules.ts';
import { effectiveRoster, isStoredRoster, type StoredRoster } from './stored-roster.ts';
import { parseRuleOverrides } from '../alerting/rule-overrides-file.ts';

/** Where the roster, the rules and the ticket policy sit in the store. */
export const ROSTER_ITEM = { kind: 'roster', id: 'roster' } as const;
export const RULES_ITEM = { kind: 'rules', id: 'rules' } as const;
export const TICKET_POLICY_ITEM = { kind: 'rules', id: 'tickets' } as const;

export interface ConfigBundle {
  version: 1;
  site: SiteConfig;
  roster: StoredRoster;
  rules: RulesItem;
  tickets: Record<string, unknown>;
  users: { version: 1; users: UserEntry[] };
}

type Lister = (kind: ConfigKind) => readonly ConfigItem[];

/** The store's configuration in the fixture's shapes. */
export function exportBundle(list: Lister): ConfigBundle {
  const byId = (kind: ConfigKind, id: string) => list(kind).find((i) => i.id === id)?.value;
  const users = list('person')
    .map((i) => i.value as UserEntry)
    .map(({ login, role, staffId, passwordHash }) => ({ login, role, staffId, passwordHash }));
  return {
    version: 1,
    site: siteFromItems(siteItemsOf(list)),
    roster: byId(ROSTER_ITEM.kind, ROSTER_ITEM.id) as StoredRoster,
    rules: (byId(RULES_ITEM.kind, RULES_ITEM.id) ?? {}) as RulesItem,
    tickets: (byId(TICKET_POLICY_ITEM.kind, TICKET_POLICY_ITEM.id) ?? {}) as Record<string, unknown>,
    users: { version: 1, users },
  };
}

export const bundleToYaml = (bundle: ConfigBundle): string =>
  `# OpenCompound configuration export: each section has the shape of the fixture file it is named after.\n${stringify(bundle, { lineWidth: 0 })}`;

/**
 * YAML text → a bundle every part of which passed its file's checks; the first section at
 * fault is named (`roster: staff.3.teamId: unknown team 'x'`), as OC_CONFIG_IMPORT_INVALID.
 */
export function parseBundle(text: string): ConfigBundle {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new OcError('OC_CONFIG_IMPORT_INVALID', `not YAML: ${(err as Error).message.split('\n')[0]}`, { field: 'body' });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new OcError('OC_CONFIG_IMPORT_INVALID', '(root): must be a mapping with version, site, roster, rules, tickets and users', { field: 'body' });
  const r = raw as Record<string, unknown>;
  const unknown = Object.keys(r).filter((k) => !['version', 'site', 'roster', 'rules', 'tickets', 'users'].includes(k));
  if (unknown.length > 0) throw new OcError('OC_CONFIG_IMPORT_INVALID', `${unknown[0]}: is not a known section`, { field: unknown[0] });
  if (r.version !== 1) throw new OcError('OC_CONFIG_IMPORT_INVALID', 'version: must be 1', { field: 'version' });

  const site = section('site', () => parseSite(r.site, 'site'));
  const roster = section('roster', () => {
    effectiveRoster(r.roster, 'roster');
    return r.roster as StoredRoster;
  });
  const rules = section('rules', () => {
    const overrides = parseRuleOverrides(r.rules ?? {}, 'rules');
    valuesChecked(overrides, site.communities.flatMap((c) => c.compounds.map((p) => p.id)), listDevices(site).map(toDeviceContext));
    return (r.rules ?? {}) as RulesItem;
  });
  const tickets = section('tickets', () => {
    checkedTicketPolicy(r.tickets ?? {}, site.communities.flatMap((c) => c.compounds.map((p) => p.id)));
    return (r.tickets ?? {}) as Record<string, unknown>;
  });
  const users = section('users', () => {
    // Logins of disabled people are kept (they cannot sign in while disabled): check against everyone.
    const everyone = { staff: isStoredRoster(roster) ? roster.staff : [] } as unknown as Roster;
    parseUsers(r.users, everyone, 'users');
    return r.users as ConfigBundle['users'];
  });
  return { version: 1, site, roster, rules, tickets, users };
}

function section<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (isOcError(err)) {
      const message = err.message.replace(/^[^:]+: /, '');
      const keys = (err.details?.keys as string[] | undefined) ?? [];
      throw new OcError('OC_CONFIG_IMPORT_INVALID', `${name}: ${message}`, { field: keys[0] ? `${name}.${keys[0]}` : name });
    }
    throw err;
  }
}

/**
 * The store changes that make it hold exactly the bundle: every item written at its current
 * version (so an import is refused, whole, if something changed meanwhile: 409), every item
 * the bundle lacks removed. A device that stays keeps its secret hash, state and settings:
 * re-importing an export must not lock the site's devices out.
 */
export function importChanges(bundle: ConfigBundle, list: Lister, versionOf: (kind: ConfigKind, id: string) => number): ConfigChange[] {
  const { skeleton, places, devices } = siteToItems(bundle.site);
  const currentDevices = new Map(list('device').map((i) => [i.id, i.value as DeviceItem]));
  const wanted: { kind: ConfigKind; id: string; value: unknown }[] = [
    { kind: 'site', id: 'site', value: skeleton },
    ...[...places].map(([id, value]) => ({ kind: 'place' as const, id, value })),
    ...[...devices].map(([id, value]) => {
      const now = currentDevices.get(id);
      return { kind: 'device' as const, id, value: now ? { ...value, settings: now.settings, state: now.state, secretRotation: now.secretRotation, ...(now.secretHash ? { secretHash: now.secretHash } : {}) } : value };
    }),
    { ...ROSTER_ITEM, value: bundle.roster },
    { ...RULES_ITEM, value: bundle.rules },
    { ...TICKET_POLICY_ITEM, value: bundle.tickets },
    ...bundle.users.users.map((u) => ({ kind: 'person' as const, id: u.login, value: u })),
  ];
  const keep = new Set(wanted.map((w) => `${w.kind}:${w.id}`));
  const changes: ConfigChange[] = [];
  for (const w of wanted) {
    const current = list(w.kind).find((i) => i.id === w.id);
    // Unchanged items are not written: the audit and oc.config carry only what the import changed.
    if (current && JSON.stringify(current.value) === JSON.stringify(w.value)) continue;
    changes.push({ kind: w.kind, id: w.id, expectedVersion: current ? versionOf(w.kind, w.id) : 0, value: w.value });
  }
  // Revoked devices are not in the site shape; the import leaves them (and provisioning keys) alone.
  for (const kind of ['place', 'device', 'person'] as const) {
    for (const item of list(kind)) {
      if (kind === 'device' && (item.value as DeviceItem).state !== 'active') continue;
      if (!keep.has(`${kind}:${item.id}`)) changes.push({ kind, id: item.id, expectedVersion: item.version, value: null });
    }
  }
  return changes;
}
