import { createHmac } from 'node:crypto';

/**
 * Card pseudonyms, shared by the door driver (which sees raw card numbers on the
 * controller's wire) and the door behaviour model (which invents cards). It lives
 * with the agent, not the simulators, because the agent runs on real controllers
 * where no simulator code is installed.
 */

/** Hex characters kept from the HMAC: 64 bits, plenty to tell a compound's cards apart. */
export const CARD_HASH_LENGTH = 16;

/**
 * Pseudonymises a card number with a keyed hash (HMAC-SHA256 under the site key).
 * A plain hash of a 10-digit number is reversible by brute force; a keyed one is
 * not without the key, yet the same card always maps to the same id, so the desk
 * can still follow "the card that was denied five times".
 */
export function pseudonymiseCard(siteKey: string | Buffer, rawCard: string, length = CARD_HASH_LENGTH): string {
  return createHmac('sha256', siteKey).update(rawCard, 'utf8').digest('hex').slice(0, length);
}
