import type { ControllerEventBody, OpenCause, ReaderSide } from '../../../edge-agent/drivers/door/wire.ts';
import type { DeviceOutput } from '../../models/model.ts';

/**
 * A raw card number for a card the behaviour model only knows by its pseudonym.
 * The model never reveals raw numbers (they exist only inside it), so the
 * simulated controller invents one per pseudonym: ten decimal digits, the shape
 * of a 32-bit card UID, always the same for the same card. The driver then
 * pseudonymises that number with the site key, so a card keeps one hash across
 * doors and days, though not the hash the model printed.
 */
export function rawCardForHash(cardHash: string): string {
  const n = Number.parseInt(cardHash.slice(0, 8), 16);
  return String(1_000_000_000 + ((Number.isNaN(n) ? 0 : n) % 3_000_000_000));
}

const str = (v: unknown, fallback: string): string => (typeof v === 'string' && v.length > 0 ? v : fallback);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const reader = (v: unknown): ReaderSide => (v === 'out' ? 'out' : 'in');
const cause = (v: unknown): OpenCause => (v === 'exit' || v === 'forced' ? v : 'grant');

/**
 * What the controller journals when the behaviour model reports `output`
 * (model vocabulary → controller vocabulary, the reverse of the driver's
 * mapping). Undefined for outputs a door controller does not produce.
 */
export function controllerEventFor(output: DeviceOutput): ControllerEventBody | undefined {
  const d = output.data;
  switch (output.type) {
    case 'access.granted':
      return { type: 'card.granted', reader: reader(d.reader), card: rawCardForHash(str(d.cardHash, '0')) };
    case 'access.denied':
      return { type: 'card.denied', reader: reader(d.reader), card: rawCardForHash(str(d.cardHash, '0')), reason: str(d.reason, 'unknown-card') };
    case 'exit.pressed':
      return { type: 'exit.button' };
    case 'door.opened':
      return { type: 'door.open', cause: cause(d.cause) };
    case 'door.closed':
      return { type: 'door.close', openMs: Math.round(num(d.openSeconds) * 1000) };
    case 'door.forced-open':
      return { type: 'alarm.forced' };
    case 'door.held-open':
      return { type: 'alarm.held', openMs: Math.round(num(d.openSeconds) * 1000), thresholdMs: Math.round(num(d.thresholdSeconds) * 1000) };
    case 'tamper':
      return { type: 'tamper', reason: str(d.reason, 'enclosure-opened') };
    default:
      return undefined;
  }
}
