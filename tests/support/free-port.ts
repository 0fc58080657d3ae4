import { createServer } from 'node:net';

/**
 * A port the system just handed out on loopback, for a child process that must be told
 * its port up front (the CLIs print no bound address to read back).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
