import type { EventLog } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';
import { ConfigMirror } from './config-mirror.ts';
import { followIntoMirror, type ConfigFollowing } from './config-follower.ts';
import type { ConfigStore } from './port.ts';
import { SITE_KINDS, SiteView } from './site-view.ts';

export interface FollowedSite {
  view: SiteView;
  following: ConfigFollowing;
  close(): Promise<void>;
}

/**
 * A service's live site: the store's site, places and devices at start, then `oc.config`
 * in the service's own group. `onChange` runs after each change was applied (alerting
 * hands its rules the new device list there); if it throws, the change is retried.
 */
export async function followSite(o: { source: Pick<ConfigStore, 'list'>; log: EventLog; groupId: string; logger: Logger; onChange?: (view: SiteView) => void }): Promise<FollowedSite> {
  const mirror = ConfigMirror.fromStore(o.source, SITE_KINDS);
  const view = new SiteView(mirror);
  let changed = false;
  view.onChange(() => {
    changed = true;
  });
  const following = await followIntoMirror(mirror, {
    log: o.log,
    groupId: o.groupId,
    logger: o.logger,
    settle: async () => {
      if (!changed) return;
      changed = false;
      o.onChange?.(view);
    },
  });
  return {
    view,
    following,
    close: async () => {
      await following.close();
      view.close();
    },
  };
}
