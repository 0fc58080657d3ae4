import { describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { parseEnvelope, validateEnvelope, type Envelope } from '../../../services/shared/envelope.ts';
import { OcError, type ErrorCode } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';

const valid = (): Envelope => ({
  v: 1,
  id: 'door-1-0-a1b2c3d4e5f6',
  deviceId: 'door-1',
  kind: 'door',
  type: 'door.forced-open',
  ts: '2025-03-01T08:15:30.123Z',
  seq: 0,
  data: { doorId: 'b1-u1' },
});

function thrown(fn: () => unknown): OcError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OcError);
    return err as OcError;
  }
  throw new Error('expected an OcError, nothing was thrown');
}

const expectRejected = (raw: unknown, code: ErrorCode, field?: string): void => {
  const err = thrown(() => validateEnvelope(raw));
  expect(err.code).toBe(code);
  if (field !== undefined) expect(err.details?.field).toBe(field);
};

describe('validateEnvelope / parseEnvelope', () => {
  it('accepts a valid envelope, from an object or from JSON bytes', () => {
    expect(validateEnvelope(valid())).toEqual(valid());
    expect(parseEnvelope(Buffer.from(JSON.stringify(valid())))).toEqual(valid());
    expect(parseEnvelope(JSON.stringify({ ...valid(), ts: '2025-03-01T16:15:30+08:00' })).ts).toBe('2025-03-01T16:15:30+08:00');
  });

  const wrongFields: Array<[field: keyof Envelope, values: unknown[]]> = [
    ['id', ['', 42, 'x'.repeat(129), undefined]],
    ['deviceId', ['Door_1', '', 7, 'a', undefined]],
    ['kind', ['lift', 1, undefined]],
    ['type', ['Door.Open', 'door..open', '.door', 'x'.repeat(65), 3, undefined]],
    ['ts', ['2025-03-01', '2025-03-01T08:15:30', 'yesterday', 1_700_000_000_000, '2025-13-01T08:15:30Z', '2025-02-30T08:15:30Z', '2025-03-01T24:15:30+08:00', undefined]],
    ['seq', [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 1, null, undefined]],
    ['data', [null, [], 'x', 5, undefined]],
  ];

  for (const [field, values] of wrongFields) {
    it.each(values.map((value) => [JSON.stringify(value) ?? 'undefined', value]))(`rejects ${field} = %s naming the field`, (_label, value) => {
      const raw: Record<string, unknown> = { ...valid(), [field]: value };
      if (value === undefined) delete raw[field];
      expectRejected(raw, 'OC_ENVELOPE_INVALID', field);
    });
  }

  it('rejects a non-object root', () => {
    for (const raw of [null, [], 'x', 1]) expectRejected(raw, 'OC_ENVELOPE_INVALID', '(root)');
  });

  it('rejects another schema version, or none, as OC_ENVELOPE_VERSION', () => {
    expectRejected({ ...valid(), v: 2 }, 'OC_ENVELOPE_VERSION', 'v');
    expectRejected({ ...valid(), v: '1' }, 'OC_ENVELOPE_VERSION', 'v');
    const { v: _v, ...noVersion } = valid();
    expectRejected(noVersion, 'OC_ENVELOPE_VERSION', 'v');
  });

  it('rejects malformed JSON as OC_ENVELOPE_MALFORMED_JSON', () => {
    expect(thrown(() => parseEnvelope('{"v":1,')).code).toBe('OC_ENVELOPE_MALFORMED_JSON');
    expect(thrown(() => parseEnvelope(Buffer.from([0xff, 0xfe]))).code).toBe('OC_ENVELOPE_MALFORMED_JSON');
  });

  it('rejects a field the schema does not have, naming it', () => {
    expectRejected({ ...valid(), extra: true }, 'OC_ENVELOPE_INVALID', 'extra');
  });
});

describe('envelopes the agent builds', () => {
  const agentOn = (outbox: MemoryOutbox): EdgeAgent =>
    new EdgeAgent({
      deviceId: 'drain-b3-01',
      kind: 'drain',
      brokerUrl: 'mqtt://127.0.0.1:1', // never started: emitting only stores in the outbox
      password: 'secret',
      outbox,
      clock: new ManualClock(Date.parse('2025-07-01T03:00:00.000Z')),
      logger: silentLogger(),
    });

  it('pass validateEnvelope and are what the outbox stores', () => {
    const outbox = new MemoryOutbox();
    const agent = agentOn(outbox);
    const event = agent.emitEvent('drain.overflow', { levelCm: 42 });
    const telemetry = agent.emitTelemetry('drain.level', { levelCm: 40 }, new Date('2025-07-01T12:00:00+08:00'));

    expect(validateEnvelope(event)).toEqual(event);
    expect(event).toMatchObject({ v: 1, deviceId: 'drain-b3-01', kind: 'drain', type: 'drain.overflow', seq: 0, ts: '2025-07-01T03:00:00.000Z' });
    expect(telemetry).toMatchObject({ seq: 1, ts: '2025-07-01T04:00:00.000Z' }); // the device time given, not the clock
    expect(event.id).not.toBe(telemetry.id);

    const [stored0, stored1] = outbox.peek(0, 10);
    expect(stored0).toMatchObject({ topic: 'oc/v1/drain-b3-01/event', qos: 1, seq: 0 });
    expect(stored1).toMatchObject({ topic: 'oc/v1/drain-b3-01/telemetry', qos: 1, seq: 1 });
    expect(parseEnvelope(stored0!.payload)).toEqual(event);
    expect(agent.stats()).toMatchObject({ connected: false, produced: 2, acknowledged: 0, pending: 2 });
  });

  it('ids stay unique when a lost outbox restarts the seq at 0', () => {
    const a = agentOn(new MemoryOutbox()).emitEvent('drain.overflow', {});
    const b = agentOn(new MemoryOutbox()).emitEvent('drain.overflow', {});
    expect(a.seq).toBe(b.seq);
    expect(a.id).not.toBe(b.id);
  });

  it('refuses an envelope the gateway would refuse, without using up a seq', () => {
    const outbox = new MemoryOutbox();
    const agent = agentOn(outbox);
    expect(thrown(() => agent.emitEvent('Bad Type', {})).code).toBe('OC_ENVELOPE_INVALID');
    expect(thrown(() => agent.emitEvent('drain.blob', { blob: 'x'.repeat(70_000) })).code).toBe('OC_PAYLOAD_TOO_LARGE');
    expect(agent.emitEvent('drain.overflow', {}).seq).toBe(0);
    expect(outbox.size()).toBe(1);
  });

  it('refuses to emit after close', async () => {
    const agent = agentOn(new MemoryOutbox());
    await agent.close();
    expect(thrown(() => agent.emitEvent('drain.overflow', {})).code).toBe('OC_AGENT_CLOSED');
    await expect(agent.whenDrained()).rejects.toMatchObject({ code: 'OC_AGENT_CLOSED' });
  });
});
