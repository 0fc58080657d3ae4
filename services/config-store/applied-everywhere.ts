import type { Logger } from '../shared/logger.ts';
import type { ConfigKind } from './port.ts';

/** How long a request waits for the services of its process to apply its change. */
export const APPLY_WAIT_MS = 3000;

/**
 * Waits until every follower of this process (gateway, alerting, API) applied a change. The
 * change is committed and on its way either way: a follower slower than `waitMs` is logged,
 * not an error for the person who made it.
 */
export function appliedEverywhere(
  followers: readonly { kinds?: readonly ConfigKind[]; reached(kind: ConfigKind, id: string, version: number, timeoutMs?: number): Promise<void> }[],
  logger: Logger,
  waitMs = APPLY_WAIT_MS,
): (kind: ConfigKind, id: string, version: number) => Promise<void> {
  return async (kind, id, version) => {
    try {
      // Only those that apply this kind: the gateway never applies a roster, so it is not waited for.
      await Promise.all(followers.filter((f) => f.kinds === undefined || f.kinds.includes(kind)).map((f) => f.reached(kind, id, version, waitMs)));
    } catch (err) {
      logger.warn({ err, kind, id, version }, 'a service has not applied the change yet; it will from oc.config');
    }
  };
}
