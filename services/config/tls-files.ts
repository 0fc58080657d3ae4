import { readFileSync } from 'node:fs';
import { OcError } from '../shared/errors.ts';
import type { ServiceConfig } from './service-config.ts';

/** Reads the gateway's TLS key pair named in the config; a missing file names its variable. */
export function readGatewayTls(config: ServiceConfig): { port: number; cert: Buffer; key: Buffer } | undefined {
  const tls = config.mqtt.tls;
  if (!tls) return undefined;
  const read = (path: string, key: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new OcError('OC_CONFIG_INVALID', `${key}=${path}: ${(err as Error).message}`, { keys: [key] });
    }
  };
  return { port: tls.port, cert: read(tls.certFile, 'OC_MQTT_TLS_CERT'), key: read(tls.keyFile, 'OC_MQTT_TLS_KEY') };
}
