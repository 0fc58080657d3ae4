/** The baseline: aedes as it comes (no hooks, default in-memory persistence) on a plain TCP server. */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Aedes } from 'aedes';
import { hostBroker } from './broker-host.ts';

// aedes exports no package.json subpath; find it next to the entry point.
const aedesVersion = (): string => {
  const path = join(dirname(createRequire(import.meta.url).resolve('aedes')), 'package.json');
  return `aedes ${(JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version}`;
};

await hostBroker(async () => {
  const broker = await Aedes.createBroker();
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Same socket option as the gateway, so Nagle's algorithm is not what the bench compares.
    socket.setNoDelay(true);
    broker.handle(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    version: aedesVersion(),
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
