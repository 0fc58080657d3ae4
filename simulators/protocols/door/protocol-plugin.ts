import { randomBytes } from 'node:crypto';
import { CursorDatabase } from '../../../edge-agent/drivers/door/cursor-store.ts';
import { DoorDriver } from '../../../edge-agent/drivers/door/door-driver.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { simulationClockToleranceMs, type ProtocolDevice, type ProtocolKind, type ProtocolKindContext } from '../protocol-kind.ts';
import { DoorControllerSimulator } from './door-controller-simulator.ts';
import { SqliteFlashBank } from './journal-flash.ts';

/** Events each simulated controller keeps in its journal (the simulator's default). */
const JOURNAL_CAPACITY = 10_000;

/**
 * Door controllers for the protocol fleet: one simulated controller per door on
 * an ephemeral loopback port, each with its own random password, and the real
 * DoorDriver reading its event stream. The drivers' cursors share one table in
 * the agents' outbox file, and its connection, so each cursor move commits with
 * its envelope (edge-agent/drivers/door/README.md, "Cursor"). The controllers' journals
 * are kept in the same file (journal-flash.ts), so a process restart on it is a power
 * cycle for them, not a factory reset: the drivers resume where their cursors are.
 */
export function openDoorProtocol(ctx: ProtocolKindContext): ProtocolKind {
  const cursors = CursorDatabase.open({ path: ctx.stateFile, synchronous: ctx.stateSync });
  const flash = new SqliteFlashBank({ path: ctx.stateFile, synchronous: ctx.stateSync }, JOURNAL_CAPACITY);
  const clockToleranceMs = simulationClockToleranceMs(ctx.speed, 5_000);
  return {
    protocol: 'HTTP/JSON event stream',
    async startDevice(device: PlacedDevice): Promise<ProtocolDevice> {
      const password = randomBytes(12).toString('base64url');
      const sim = new DoorControllerSimulator({ password, clock: ctx.clock, serialNumber: device.id, logger: ctx.logger, capacity: JOURNAL_CAPACITY, flash: flash.flashFor(device.id) });
      await sim.start();
      let driver: DoorDriver | undefined;
      return {
        feed: (output) => sim.feed(output),
        createDriver: (driverCtx) => {
          driver = new DoorDriver(
            { config: { baseUrl: sim.url, username: 'admin', password, siteKey: ctx.siteKey, clockToleranceMs }, cursor: cursors.storeFor(device.id) },
            driverCtx,
          );
          return driver;
        },
        whenDelivered: () => driver?.whenDelivered(sim.headSeq()) ?? Promise.resolve(),
        close: () => sim.close(),
      };
    },
    close: async () => {
      flash.close();
      cursors.close();
    },
  };
}
