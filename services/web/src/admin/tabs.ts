import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n/messages.ts';
import { AuditTab } from './audit-tab.tsx';
import { DevicesTab } from './devices-tab.tsx';
import { PeopleTab } from './people-tab.tsx';
import { PlacesTab } from './places-tab.tsx';
import { RosterTab } from './roster-tab.tsx';
import { RulesTab } from './rules-tab.tsx';

/**
 * The admin page's tabs, in order; each is one view of the configuration (issue 17).
 */
export const ADMIN_TABS: readonly { id: string; label: MessageKey; view: ComponentType }[] = [
  { id: 'devices', label: 'admin.tab.devices', view: DevicesTab },
  { id: 'people', label: 'admin.tab.people', view: PeopleTab },
  { id: 'roster', label: 'admin.tab.roster', view: RosterTab },
  { id: 'rules', label: 'admin.tab.rules', view: RulesTab },
  { id: 'places', label: 'admin.tab.places', view: PlacesTab },
  { id: 'audit', label: 'admin.tab.audit', view: AuditTab },
];
