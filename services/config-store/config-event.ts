import { OcError } from '../shared/errors.ts';
import { isConfigKind, type ConfigEvent } from './port.ts';

/** The `oc.config` record as bytes on the log. */
export const encodeConfigEvent = (event: ConfigEvent): Buffer => Buffer.from(JSON.stringify(event));

const OPS = new Set(['create', 'update', 'delete']);

/** Reads an `oc.config` record; anything else is refused with OC_CONFIG_EVENT_INVALID. */
export function decodeConfigEvent(bytes: Buffer): ConfigEvent {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OcError('OC_CONFIG_EVENT_INVALID', 'not JSON');
  }
  const e = raw as Partial<ConfigEvent> | null;
  if (
    !e ||
    e.v !== 1 ||
    typeof e.kind !== 'string' ||
    !isConfigKind(e.kind) ||
    typeof e.id !== 'string' ||
    !Number.isInteger(e.version) ||
    typeof e.op !== 'string' ||
    !OPS.has(e.op) ||
    typeof e.at !== 'number'
  ) {
    throw new OcError('OC_CONFIG_EVENT_INVALID', 'fields missing or of the wrong type');
  }
  return { v: 1, kind: e.kind, id: e.id, version: e.version!, op: e.op, value: e.value ?? null, at: e.at };
}
