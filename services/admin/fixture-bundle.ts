/** The fixture files as one bundle: what an empty data dir is seeded from, and what an export reproduces. */
import { REFERENCE_ROSTER_PATH } from '../alerting/roster-file.ts';
import { REFERENCE_RULES_PATH } from '../alerting/rule-overrides-file.ts';
import { REFERENCE_TICKET_POLICY_PATH } from '../alerting/ticket-policy-file.ts';
import { REFERENCE_USERS_PATH } from '../api/auth/users-file.ts';
import { readConfigFile } from '../shared/config-file.ts';
import { REFERENCE_SITE_PATH } from '../site/load.ts';
import { parseBundle, type ConfigBundle } from './config-bundle.ts';
import { stringify } from 'yaml';

export interface FixtureFiles {
  site?: string | undefined;
  roster?: string | undefined;
  rules?: string | undefined;
  tickets?: string | undefined;
  users?: string | undefined;
}

/** Reads the files (default: the reference site's) and checks them together, as an import would. */
export function fixtureBundle(files: FixtureFiles = {}): ConfigBundle {
  const raw = {
    version: 1,
    site: readConfigFile(files.site ?? REFERENCE_SITE_PATH, 'site file'),
    roster: readConfigFile(files.roster ?? REFERENCE_ROSTER_PATH, 'roster file'),
    rules: readConfigFile(files.rules ?? REFERENCE_RULES_PATH, 'rules file') ?? {},
    tickets: readConfigFile(files.tickets ?? REFERENCE_TICKET_POLICY_PATH, 'ticket policy file') ?? {},
    users: readConfigFile(files.users ?? REFERENCE_USERS_PATH, 'users file'),
  };
  return parseBundle(stringify(raw));
}
