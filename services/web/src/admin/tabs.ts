import type { ComponentType } from 'preact';
import type { MessageKey } from '../i18n/messages.ts';
import { AuditTab } from './audit-tab.tsx';
import { DevicesTab } from './devices-tab.tsx';

/**
 * The admin page's tabs, in order; each is one view of the configuration (issue 17).
 * People, Roster, Rules and Places join here as they are built.
 */
export const ADMIN_TABS: readonly { id: string; label: MessageKey; view: ComponentType }[] = [
  { id: 'devices', label: 'admin.tab.devices', view: DevicesTab },
  { id: 'audit', label: 'admin.tab.audit', view: AuditTab },
];
