/**
 * Plain Mosquitto as a second baseline: anonymous, no persistence, no ACL, on a free
 * loopback port. This Node process only supervises it and reads its memory from /proc.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMosquitto } from '../lib/mosquitto-binary.ts';
import { hostBroker } from './broker-host.ts';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, exited: () => string | null, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    const why = exited();
    if (why) throw new Error(`mosquitto exited before listening: ${why}`);
    if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`);
    // Polling a port that is not open yet: there is no event to wait on.
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}

await hostBroker(async () => {
  const binary = findMosquitto();
  if (!binary.found) throw new Error(binary.reason);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-mosquitto-'));
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(
    conf,
    [
      // Stay the invoking user when run as root (see infra/mosquitto/start.sh).
      process.getuid?.() === 0 ? 'user root' : '',
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      // As the Node brokers' sockets: Nagle's algorithm off.
      'set_tcp_nodelay true',
      'max_queued_messages 100000',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n'),
  );
  const child = spawn(binary.path, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  // Kept for a failure message; as root Mosquitto also warns about running as root, which is noise here.
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  let exitedWith: string | null = null;
  child.once('exit', (code, signal) => (exitedWith = `code ${code}, signal ${signal}; stderr: ${stderr.trim()}`));
  // However this supervisor ends, the broker must not outlive it.
  process.once('exit', () => child.kill('SIGTERM'));
  await waitForPort(port, () => exitedWith);
  return {
    port,
    version: `mosquitto ${binary.version}`,
    measureMemory: () => ({ rssBytes: rssOf(child.pid!), heapUsedBytes: null }),
    close: async () => {
      if (exitedWith === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
