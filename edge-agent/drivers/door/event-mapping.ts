import { pseudonymiseCard } from '../../card-pseudonym.ts';
import type { ControllerEvent } from './wire.ts';

export interface PlatformEvent {
  type: string;
  data: Record<string, unknown>;
}

const seconds = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * Translates a controller event into the platform's door event vocabulary (the
 * one the behaviour models and the alerting rules use). The raw card number is
 * replaced by its keyed hash here, so it never leaves the agent.
 */
export function toPlatformEvent(event: ControllerEvent, siteKey: string | Buffer): PlatformEvent {
  switch (event.type) {
    case 'card.granted':
      return { type: 'access.granted', data: { cardHash: pseudonymiseCard(siteKey, event.card), reader: event.reader } };
    case 'card.denied':
      return { type: 'access.denied', data: { cardHash: pseudonymiseCard(siteKey, event.card), reader: event.reader, reason: event.reason } };
    case 'exit.button':
      return { type: 'exit.pressed', data: {} };
    case 'door.open':
      return { type: 'door.opened', data: { cause: event.cause } };
    case 'door.close':
      return { type: 'door.closed', data: { openSeconds: seconds(event.openMs) } };
    case 'alarm.forced':
      return { type: 'door.forced-open', data: { reason: 'opened-without-grant' } };
    case 'alarm.held':
      return { type: 'door.held-open', data: { openSeconds: seconds(event.openMs), thresholdSeconds: seconds(event.thresholdMs) } };
    case 'tamper':
      return { type: 'tamper', data: { reason: event.reason } };
  }
}
