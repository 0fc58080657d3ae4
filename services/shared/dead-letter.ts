import { createHash } from 'node:crypto';
import type { ErrorCode } from './errors.ts';

/** Default share of the raw payload kept: enough to diagnose it; the hash identifies the whole. */
export const DEAD_LETTER_PAYLOAD_KEEP_BYTES = 4096;

export interface DeadLetter {
  code: ErrorCode;
  reason: string;
  field: string | undefined;
  clientId: string | undefined;
  topic: string;
  receivedAt: string;
  payloadBytes: number;
  payloadSha256: string;
  /** Base64 of the raw bytes, cut to the writer's keep limit (then `truncated`). */
  payloadBase64: string;
  truncated: boolean;
  /** The consumer that gave up on a record already in the log; absent for the gateway's refusals. */
  consumer?: string;
}

/** A dead letter's bytes on oc.deadletter: the JSON of `deadLetter(input)`. */
export function deadLetterRecord(input: DeadLetterInput): Buffer {
  return Buffer.from(JSON.stringify(deadLetter(input)));
}

export interface DeadLetterInput {
  code: ErrorCode;
  reason: string;
  field?: string | undefined;
  clientId: string | undefined;
  topic: string;
  payload: Buffer;
  receivedAt: number;
  /** Bytes of the payload kept; DEAD_LETTER_PAYLOAD_KEEP_BYTES by default. */
  keepBytes?: number;
  consumer?: string | undefined;
}

/** One format for every writer of oc.deadletter (gateway, telemetry writer, alerting service). */
export function deadLetter(input: DeadLetterInput): DeadLetter {
  const kept = input.payload.subarray(0, input.keepBytes ?? DEAD_LETTER_PAYLOAD_KEEP_BYTES);
  return {
    code: input.code,
    reason: input.reason,
    field: input.field,
    clientId: input.clientId,
    topic: input.topic,
    receivedAt: new Date(input.receivedAt).toISOString(),
    payloadBytes: input.payload.length,
    payloadSha256: createHash('sha256').update(input.payload).digest('hex'),
    payloadBase64: kept.toString('base64'),
    truncated: kept.length < input.payload.length,
    ...(input.consumer ? { consumer: input.consumer } : {}),
  };
}
