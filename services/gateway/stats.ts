import type { ErrorCode } from '../shared/errors.ts';

/** Counters a duty engineer looks at when devices "go quiet". */
export class GatewayStats {
  connected = 0;
  accepted = { event: 0, telemetry: 0, status: 0 };
  deadLettered = 0;
  /** Bytes written to oc.deadletter. */
  deadLetterBytes = 0;
  /** Refused messages over the dead-letter budget: counted here, not stored. */
  deadLettersCounted = 0;
  refusedConnections = 0;
  deniedSubscriptions = 0;
  throttled = 0;
  floodDisconnects = 0;
  oversizedFrames = 0;
  appendFailures = 0;
  readonly byCode = new Map<ErrorCode, number>();

  count(code: ErrorCode): void {
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
  }

  snapshot() {
    return {
      connected: this.connected,
      accepted: { ...this.accepted },
      deadLettered: this.deadLettered,
      deadLetterBytes: this.deadLetterBytes,
      deadLettersCounted: this.deadLettersCounted,
      refusedConnections: this.refusedConnections,
      deniedSubscriptions: this.deniedSubscriptions,
      throttled: this.throttled,
      floodDisconnects: this.floodDisconnects,
      oversizedFrames: this.oversizedFrames,
      appendFailures: this.appendFailures,
      byCode: Object.fromEntries(this.byCode),
    };
  }
}

export type GatewayStatsSnapshot = ReturnType<GatewayStats['snapshot']>;
