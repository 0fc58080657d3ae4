import { readGatewayTls } from '../config/tls-files.ts';
import type { ServiceConfig } from '../config/service-config.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Logger } from '../shared/logger.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { CredentialStore } from './credentials.ts';
import { DeviceRegistry } from './device-registry.ts';
import { startGateway, type Gateway } from './gateway.ts';
import type { RetainedConfigs } from './retained-configs.ts';

/** The gateway as the service config describes it: one wiring for `npm start` and `npm run gateway`. */
export function startConfiguredGateway(
  config: ServiceConfig,
  parts: { log: EventLog; devices?: readonly PlacedDevice[]; registry?: DeviceRegistry; credentials: CredentialStore; retainedConfigs?: RetainedConfigs; logger: Logger },
): Promise<Gateway> {
  return startGateway({
    host: config.mqtt.host,
    port: config.mqtt.port,
    log: parts.log,
    registry: parts.registry ?? DeviceRegistry.fromDevices(parts.devices ?? []),
    ...(parts.retainedConfigs ? { retainedConfigs: parts.retainedConfigs } : {}),
    credentials: parts.credentials,
    logger: parts.logger,
    limits: {
      ...(config.gateway.maxPayloadBytes ? { maxPayloadBytes: config.gateway.maxPayloadBytes } : {}),
      ...(config.gateway.maxConnections ? { maxConnections: config.gateway.maxConnections } : {}),
      ...(config.gateway.maxConnectionsPerAddress ? { maxConnectionsPerAddress: config.gateway.maxConnectionsPerAddress } : {}),
    },
    tls: readGatewayTls(config),
  });
}
