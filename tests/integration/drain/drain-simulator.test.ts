import { connect, type Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import { afterEach, describe, expect, it } from 'vitest';
import { HOLDING, INPUT, INPUT_COUNT, decodeTime, encodeTime, toInt16 } from '../../../edge-agent/drivers/drain/register-map.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { DrainSimulator } from '../../../simulators/protocols/drain/drain-simulator.ts';
import { until } from './drain-rig.ts';

/** The other side is modbus-serial's own client: the simulator must satisfy a real Modbus library. */
const ModbusRTU = modbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

const T0 = Date.parse('2026-07-15T20:00:00+08:00');
let sim: DrainSimulator | undefined;
const clients: Client[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy(() => {});
  for (const s of sockets.splice(0)) s.destroy();
  await sim?.close();
  sim = undefined;
});

async function client(port: number, unitId = 1, timeoutMs = 5_000): Promise<Client> {
  const c = new ModbusRTU();
  c.on('error', () => {});
  clients.push(c);
  await c.connectTCP('127.0.0.1', { port });
  c.setID(unitId);
  c.setTimeout(timeoutMs);
  return c;
}

const failure = (p: Promise<unknown>): Promise<{ message?: string; modbusCode?: number; errno?: string }> =>
  p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (err: { message?: string; modbusCode?: number; errno?: string }) => err,
  );

describe('drain simulator as a Modbus TCP server, read by modbus-serial', () => {
  it('serves the register map: FC 04 and 03 reads, FC 06 and 16 writes, exceptions', async () => {
    const clock = new ManualClock(T0);
    sim = await DrainSimulator.start({ depthMm: 1500, clock });
    const c = await client(sim.port);

    const input = (await c.readInputRegisters(0, INPUT_COUNT)).data;
    expect(input[INPUT.sampleCounter]).toBe(1);
    expect(decodeTime(input[INPUT.sampleTimeHi]!, input[INPUT.sampleTimeLo]!, input[INPUT.sampleTimeMs]!)).toBe(T0);
    // Distance and the bucket's true level agree within the ultrasonic noise (10 mm) and rounding.
    expect(Math.abs(1500 - toInt16(input[INPUT.distanceMm]!) - sim.sensor.manhole.levelMm)).toBeLessThanOrEqual(10.5);
    expect((await c.readHoldingRegisters(0, 3)).data).toEqual([60, 15, 750]);

    await c.writeRegister(HOLDING.measureIntervalS, 30);
    await c.writeRegisters(HOLDING.clockHi, encodeTime(T0 + 42_000));
    expect((await c.readHoldingRegisters(HOLDING.measureIntervalS, 1)).data).toEqual([30]);
    expect(sim.sensor.deviceNow()).toBe(T0 + 42_000);
    await c.writeRegister(HOLDING.measureNow, 1);
    expect((await c.readInputRegisters(INPUT.sampleCounter, 1)).data).toEqual([2]);

    expect(await failure(c.readInputRegisters(0, 20))).toMatchObject({ modbusCode: 2 });
    expect(await failure(c.writeRegister(HOLDING.fastIntervalS, 0))).toMatchObject({ modbusCode: 3 });
    const stranger = await client(sim.port, 9);
    expect(await failure(stranger.readInputRegisters(0, 1))).toMatchObject({ modbusCode: 11 });
  });

  it('misbehaves on script: exceptions, silence, garbage, noise, hang-ups, then behaves again', async () => {
    sim = await DrainSimulator.start({ depthMm: 1500, clock: new ManualClock(T0) });
    const c = await client(sim.port, 1, 300);

    sim.misbehave({ kind: 'exception', code: 6 });
    expect(await failure(c.readInputRegisters(0, INPUT_COUNT))).toMatchObject({ modbusCode: 6 });
    sim.misbehave('garbage');
    expect(await failure(c.readInputRegisters(0, INPUT_COUNT))).toMatchObject({ message: expect.stringContaining('Data length error') });
    sim.misbehave('silent');
    expect(await failure(c.readInputRegisters(0, INPUT_COUNT))).toMatchObject({ errno: 'ETIMEDOUT' });

    sim.behave();
    expect((await c.readInputRegisters(0, INPUT_COUNT)).data).toHaveLength(INPUT_COUNT);

    // Noise leaves the client's stream out of step: only a new connection helps.
    sim.misbehave('noise');
    expect(await failure(c.readInputRegisters(0, INPUT_COUNT))).toMatchObject({ errno: 'ETIMEDOUT' });
    sim.misbehave('hang-up');
    const fresh = await client(sim.port);
    const closed = new Promise<void>((resolve) => fresh.on('close', () => resolve()));
    void fresh.readInputRegisters(0, INPUT_COUNT).catch(() => {});
    await closed;
    sim.behave();
    expect((await (await client(sim.port)).readInputRegisters(0, 1)).data).toHaveLength(1);
  });

  it('restarts on the same port with a fresh counter, and closes on bytes that are not Modbus TCP', async () => {
    const clock = new ManualClock(T0);
    sim = await DrainSimulator.start({ depthMm: 1500, clock });
    const s = sim;
    const before = await client(s.port);
    await before.writeRegister(HOLDING.measureNow, 1);
    await before.writeRegister(HOLDING.measureIntervalS, 120);
    expect((await before.readInputRegisters(INPUT.sampleCounter, 1)).data).toEqual([2]);

    const port = s.port;
    const cut = new Promise<void>((resolve) => before.on('close', () => resolve()));
    await s.restart();
    await cut;
    expect(s.port).toBe(port);
    expect((await (await client(port)).readInputRegisters(INPUT.sampleCounter, 1)).data).toEqual([1]);
    // Settings survive a power cycle (EEPROM), as the register map says.
    expect((await (await client(port)).readHoldingRegisters(HOLDING.measureIntervalS, 1)).data).toEqual([120]);

    const raw = connect({ host: '127.0.0.1', port });
    sockets.push(raw);
    await new Promise<void>((resolve) => raw.once('connect', () => resolve()));
    const hungUp = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.write('GET / HTTP/1.1\r\n\r\n');
    await hungUp;
    await until(() => s.openConnections === 2, 'the raw connection to be gone'); // the two clients above
  });
});
