import type { DeviceAdmin } from '../admin/device-admin.ts';
import type { ProvisioningKeys } from '../admin/provisioning-keys.ts';
import type { ConfigKind, ConfigStore } from '../config-store/port.ts';

/** What the admin routes need (issue 17); without it (a desk-only API) they are not there. */
export interface AdminContext {
  store: ConfigStore;
  devices: DeviceAdmin;
  keys: ProvisioningKeys;
  /**
   * Resolves once the services of this process applied a change from `oc.config` (or after
   * a bounded wait, the change being committed anyway), so that a 201 for a new device means
   * it may connect now.
   */
  applied(kind: ConfigKind, id: string, version: number): Promise<void>;
}
