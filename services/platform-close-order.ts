import { CloseSequence } from './close-sequence.ts';

/** What `npm start` runs, seen only as the closes its shutdown needs; absent parts are not running. */
export interface PlatformParts {
  simulation?: { close(): Promise<void> } | undefined;
  gateway: { stopAccepting(): Promise<void>; close(): Promise<void> };
  alerting: { close(): Promise<void> };
  telemetry: { close(): Promise<void> };
  /** The notifier: its sends in hand finish or stay pending in its store for the next start. */
  notifier?: { close(): Promise<void> } | undefined;
  /** The receipt book the API reads delivery receipts from; closed after the API. */
  receipts?: { close(): Promise<void> } | undefined;
  api: { close(): Promise<unknown> };
  /** The config store and the followers of oc.config; its outbox appends to the log, so before the log. */
  config?: { close(): Promise<void> } | undefined;
  monitor: { close(): Promise<void> };
  log: { close(): Promise<void> };
}

/**
 * The order `npm start` closes in. Devices first: the simulated ones deliver what they hold
 * and say `offline`, then the gateway stops accepting devices and drains the appends still
 * in flight, so everything a device sent is in the log before anything that reads the log
 * stops. Then the readers: alerting (its batch in hand commits) and the telemetry writer;
 * then the API, the monitor, and last the log they all used.
 */
export function platformCloseOrder(parts: PlatformParts): CloseSequence {
  const sequence = new CloseSequence();
  const { simulation, notifier, receipts } = parts;
  if (simulation) sequence.add('simulated devices', () => simulation.close());
  sequence
    .add('gateway: stop accepting devices', () => parts.gateway.stopAccepting())
    .add('gateway: drain in-flight appends', () => parts.gateway.close())
    .add('alerting', () => parts.alerting.close());
  if (notifier) sequence.add('notifier', () => notifier.close());
  sequence.add('telemetry writer', () => parts.telemetry.close()).add('API', () => parts.api.close());
  if (receipts) sequence.add('receipt book', () => receipts.close());
  const config = parts.config;
  if (config) sequence.add('config store', () => config.close());
  return sequence.add('log monitor', () => parts.monitor.close()).add('event log', () => parts.log.close());
}
