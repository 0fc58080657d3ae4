import { OcError } from '../../../services/shared/errors.ts';
import type { StreamResponse } from './http-exchange.ts';
import { LineSplitter } from './line-splitter.ts';

export interface StreamReaderOptions {
  maxLineBytes: number;
  /** A stream silent for this long is stalled: OC_DEVICE_TIMEOUT. */
  idleTimeoutMs: number;
  /** Handles one line, synchronously; a throw ends the stream with that error. */
  onLine(line: string): void;
}

/**
 * Reads the event stream line by line until it fails. The stream never ends on
 * its own: a controller that closes it, goes silent or sends an overlong line
 * ends it with an OcError, and the socket is released in every case.
 */
export function readStream(stream: StreamResponse, options: StreamReaderOptions): Promise<never> {
  const { response } = stream;
  const splitter = new LineSplitter(options.maxLineBytes);
  return new Promise<never>((_, reject) => {
    let finished = false;
    let idle: NodeJS.Timeout | undefined;
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      clearTimeout(idle);
      stream.release();
      reject(stream.abortReason() ?? err);
    };
    const armIdle = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => fail(new OcError('OC_DEVICE_TIMEOUT', `event stream silent for ${options.idleTimeoutMs} ms`)), options.idleTimeoutMs);
    };
    armIdle();
    response.on('data', (chunk: Buffer) => {
      if (finished) return;
      armIdle();
      try {
        for (const line of splitter.push(chunk)) {
          options.onLine(line);
          if (finished) return;
        }
      } catch (err) {
        // Device errors (an overlong line, garbage) and agent errors (outbox closed) alike end the stream.
        fail(err);
      }
    });
    response.on('end', () => {
      const cut = splitter.partialBytes > 0 ? ` with ${splitter.partialBytes} bytes of an unfinished line` : '';
      fail(new OcError('OC_DEVICE_UNREACHABLE', `controller ended the event stream${cut}`));
    });
    response.on('error', (err) => fail(new OcError('OC_DEVICE_UNREACHABLE', `event stream: ${err.message}`, undefined, { cause: err })));
    response.on('close', () => fail(new OcError('OC_DEVICE_UNREACHABLE', 'controller closed the event stream connection')));
  });
}
