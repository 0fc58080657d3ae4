import { OcError } from '../../../services/shared/errors.ts';

/**
 * Cuts a byte stream into lines. Works on bytes, not strings, so a UTF-8
 * character split across two chunks is decoded whole. A line longer than
 * `maxLineBytes` is refused as soon as it is that long: a controller gone mad
 * must not make the agent buffer without limit.
 */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxLineBytes: number) {}

  /** Complete lines in this chunk (without `\n`, `\r\n` tolerated); blank lines are skipped. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    let newline = data.indexOf(0x0a);
    while (newline !== -1) {
      let line = data.subarray(0, newline);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      this.checkLength(line.length);
      if (line.length > 0) lines.push(line.toString('utf8'));
      data = data.subarray(newline + 1);
      newline = data.indexOf(0x0a);
    }
    this.checkLength(data.length);
    // Copy, so a small remainder does not pin the whole chunk in memory.
    this.pending = Buffer.from(data);
    return lines;
  }

  /** Bytes received after the last newline; a stream that ends with some has cut a line short. */
  get partialBytes(): number {
    return this.pending.length;
  }

  private checkLength(length: number): void {
    if (length > this.maxLineBytes) {
      throw new OcError('OC_DEVICE_MALFORMED_RESPONSE', `event stream: line longer than ${this.maxLineBytes} bytes`);
    }
  }
}
