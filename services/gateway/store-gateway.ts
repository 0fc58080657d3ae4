import { ConfigMirror } from '../config-store/config-mirror.ts';
import { followIntoMirror, type ConfigFollowing } from '../config-store/config-follower.ts';
import type { ConfigStore } from '../config-store/port.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';
import { MemoryCredentialStore } from './credentials.ts';
import { DeviceRegistry } from './device-registry.ts';
import type { Gateway } from './gateway.ts';
import { liveDevices } from './live-devices.ts';
import { SqliteRetainedConfigs, type RetainedConfigs } from './retained-configs.ts';

export interface StoreGateway extends Gateway {
  /** Where this gateway is in `oc.config`: the API waits on it before saying a new device may connect. */
  readonly config: ConfigFollowing;
}

export const GATEWAY_CONFIG_GROUP = 'oc.gateway.config';

/**
 * The gateway on the config store (issue 17): registry and credentials start from the
 * store's devices and follow `oc.config` from then on; retained config messages are kept
 * in `retainedPath` across restarts. `start` is the gateway's own wiring (ports, limits, TLS).
 */
export async function startStoreGateway(o: {
  source: Pick<ConfigStore, 'list'>;
  log: EventLog;
  logger: Logger;
  retainedPath: string;
  groupId?: string;
  start: (parts: { registry: DeviceRegistry; credentials: MemoryCredentialStore; retainedConfigs: RetainedConfigs }) => Promise<Gateway>;
}): Promise<StoreGateway> {
  const mirror = ConfigMirror.fromStore(o.source, ['place', 'device']);
  const registry = DeviceRegistry.fromDevices([]);
  const credentials = new MemoryCredentialStore();
  const retainedConfigs = SqliteRetainedConfigs.open(o.retainedPath);
  let gateway: Gateway | undefined;
  const live = liveDevices({ mirror, registry, credentials, gateway: () => gateway, logger: o.logger.child({ part: 'live-devices' }) });
  live.load();
  try {
    gateway = await o.start({ registry, credentials, retainedConfigs });
    await live.publishAll();
  } catch (err) {
    retainedConfigs.close();
    throw err;
  }
  const config = await followIntoMirror(mirror, { log: o.log, groupId: o.groupId ?? GATEWAY_CONFIG_GROUP, logger: o.logger, settle: () => live.settled() });
  const g = gateway;
  let closed: Promise<void> | undefined;
  return {
    get port() {
      return g.port;
    },
    get tlsPort() {
      return g.tlsPort;
    },
    get host() {
      return g.host;
    },
    config,
    publishConfig: (id, c) => g.publishConfig(id, c),
    clearConfig: (id) => g.clearConfig(id),
    disconnect: (id) => g.disconnect(id),
    stats: () => g.stats(),
    stopAccepting: async () => {
      await config.close();
      await g.stopAccepting();
    },
    close: () =>
      (closed ??= (async () => {
        await config.close();
        live.stop();
        await g.close();
        await live.settled();
        retainedConfigs.close();
      })()),
  };
}
