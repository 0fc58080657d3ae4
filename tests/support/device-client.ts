import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/**
 * A device's MQTT 3.1.1 login with its id and secret, as a provisioned device makes it; resolves
 * on CONNACK, rejects on a refusal or a close before it. The client is added to `clients` so the
 * test's teardown ends it.
 */
export function connectDevice(url: string, deviceId: string, secret: string, clients: MqttClient[], extra: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect(url, { clientId: deviceId, username: deviceId, password: secret, reconnectPeriod: 0, protocolVersion: 4, ...extra });
  clients.push(client);
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
}
