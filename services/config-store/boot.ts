import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeRosterRaw, effectiveRoster, isStoredRoster } from '../admin/stored-roster.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import type { RuleSettingsOverrides } from '../alerting/domain/rules/settings.ts';
import { parseRuleOverrides, REFERENCE_RULES_PATH } from '../alerting/rule-overrides-file.ts';
import { REFERENCE_TICKET_POLICY_PATH } from '../alerting/ticket-policy-file.ts';
import { parseUsers, REFERENCE_USERS_PATH, type UserDirectory } from '../api/auth/users-file.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { EventLog } from '../event-log/port.ts';
import { FileCredentialStore } from '../gateway/credentials.ts';
import type { Clock } from '../shared/clock.ts';
import { readConfigFile } from '../shared/config-file.ts';
import type { Logger } from '../shared/logger.ts';
import { loadSite } from '../site/load.ts';
import { openConfigStore, type RunningConfigStore } from './open-config-store.ts';
import type { ConfigStore } from './port.ts';
import { seedFromFixture } from './seed.ts';

const REFERENCE_ROSTER_PATH = fileURLToPath(new URL('../alerting/reference/dianliu-block8-roster.yaml', import.meta.url));

/** The fixture files a new data dir is seeded from (the service config's, or the reference site's). */
export interface FixtureFiles {
  siteFile: string;
  rosterFile?: string | undefined;
  rulesFile?: string | undefined;
  ticketPolicyFile?: string | undefined;
  usersFile?: string | undefined;
  /** device-credentials.json of a data dir from before the store: its hashes are kept. */
  credentialsFile?: string | undefined;
}

/** The config store of a data dir: every process of a deployment on that dir opens this one file. */
export const configStorePath = (dataDir: string): string => join(dataDir, 'config.db');

/** The fixture files the service config names (OC_SITE_FILE, OC_ROSTER_FILE, ...): what `npm start`, `npm run gateway` and `npm run alerting` seed from. */
export function fixtureFilesOf(config: ServiceConfig): FixtureFiles {
  return {
    siteFile: config.siteFile,
    rosterFile: config.alerting.rosterFile,
    rulesFile: config.alerting.rulesFile,
    ticketPolicyFile: config.alerting.ticketPolicyFile,
    usersFile: config.api.usersFile,
    credentialsFile: config.credentialsFile,
  };
}

export interface BootedConfig {
  config: RunningConfigStore;
  /** True when this start seeded the store from the fixture (a new data dir). */
  seeded: boolean;
}

/**
 * Opens the config store of a data dir; a new one is seeded from the fixture files first,
 * so `npm start` on an empty data dir boots the reference site and every later start runs
 * on what the store holds (with the changes made through the API), whatever the files say.
 */
export function bootConfigStore(o: { path: string; fixture: FixtureFiles; log: EventLog; clock: Clock; logger: Logger }): BootedConfig {
  const config = openConfigStore({ path: o.path, log: o.log, clock: o.clock, logger: o.logger });
  try {
    if (!config.store.isEmpty()) return { config, seeded: false };
    const seeded = seedOnce(config, o.fixture, o.logger);
    return { config, seeded };
  } catch (err) {
    void config.close();
    throw err;
  }
}

/**
 * Seeds an empty store. Under a split deployment the gateway and alerting processes may
 * start on the same new data dir at once: the one that loses the race finds its seeding
 * refused (the items exist, or the file is busy) and runs on what the other one wrote.
 */
function seedOnce(config: RunningConfigStore, f: FixtureFiles, logger: Logger): boolean {
  try {
    return seedFiles(config, f, logger);
  } catch (err) {
    if (!config.store.isEmpty()) {
      logger.info({ siteFile: f.siteFile }, 'another process seeded this data dir first: running on its configuration');
      return false;
    }
    throw err;
  }
}

function seedFiles(config: RunningConfigStore, f: FixtureFiles, logger: Logger): boolean {
    const credentials = f.credentialsFile && existsSync(f.credentialsFile) ? FileCredentialStore.open(f.credentialsFile) : undefined;
    const seeded = seedFromFixture(config.store, {
      site: loadSite(f.siteFile),
      roster: readConfigFile(f.rosterFile ?? REFERENCE_ROSTER_PATH, 'roster file'),
      rules: readConfigFile(f.rulesFile ?? REFERENCE_RULES_PATH, 'rules file') ?? {},
      tickets: readConfigFile(f.ticketPolicyFile ?? REFERENCE_TICKET_POLICY_PATH, 'ticket policy file') ?? {},
      users: readConfigFile(f.usersFile ?? REFERENCE_USERS_PATH, 'users file') as { users: { login: string }[] },
      ...(credentials ? { secretHashes: new Map(credentials.entries()) } : {}),
    });
    if (seeded) logger.info({ siteFile: f.siteFile }, 'new data dir: configuration seeded from the fixture');
    return seeded;
}

/** The roster, rule settings and users as the store holds them, checked exactly like the files. */
export function storedSettings(store: Pick<ConfigStore, 'get' | 'list'>): { roster: Roster; ruleOverrides: RuleSettingsOverrides; users: UserDirectory } {
  // Disabled people are in the stored roster but not in the one the services run on; a gap in cover was warned of when it was made.
  const stored = store.get('roster', 'roster')?.value;
  const roster = effectiveRoster(stored, 'config store: roster').roster;
  // Logins are checked against everyone, disabled people too (they cannot sign in while disabled).
  const everyone = { ...roster, staff: isStoredRoster(stored) ? (activeRosterRaw({ ...stored, staff: stored.staff.map((m) => ({ ...m, disabled: false })) }).staff as unknown as Roster['staff']) : roster.staff };
  return {
    roster,
    ruleOverrides: parseRuleOverrides(store.get('rules', 'rules')?.value ?? {}, 'config store: rules'),
    users: parseUsers({ version: 1, users: store.list('person').map((p) => p.value) }, everyone, 'config store: people'),
  };
}
