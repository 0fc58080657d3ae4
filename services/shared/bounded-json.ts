import { OcError } from './errors.ts';

/**
 * What one device message may contain. A message within these bounds can be stringified,
 * stored and walked recursively by any consumer; one beyond them (10,000 levels deep, a
 * million-item array) is what once stalled every consumer of the log, so it never enters it.
 */
export interface JsonBounds {
  /** Nesting of objects and arrays; the envelope itself is level 1. */
  maxDepth: number;
  /** Keys of one object. */
  maxKeys: number;
  /** Items of one array. */
  maxItems: number;
  /** UTF-16 code units of one string (key or value). */
  maxStringLength: number;
}

export const DEFAULT_JSON_BOUNDS: JsonBounds = { maxDepth: 32, maxKeys: 256, maxItems: 1024, maxStringLength: 8192 };

/**
 * A JSON parser that checks the bounds while it reads, so no input can make it (or anyone
 * after it) recurse deep or allocate much before it refuses. Also refuses what JSON.parse
 * lets through but consumers trip over: lone UTF-16 surrogates, integers beyond 2^53 (they
 * silently change value), numbers that overflow to Infinity, `__proto__` and duplicate keys.
 * Errors are OcErrors with the JSON path of the offender in `details.field`.
 */
export function parseBoundedJson(text: string, bounds: JsonBounds = DEFAULT_JSON_BOUNDS): unknown {
  const parser = new BoundedParser(text, bounds);
  parser.skipSpace();
  const value = parser.value(1, '(root)');
  parser.skipSpace();
  if (parser.pos < text.length) throw parser.malformed('unexpected text after the JSON value');
  return value;
}

/** With the u flag a proper pair is one code point, so only an unpaired half matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class BoundedParser {
  pos = 0;

  constructor(
    private readonly text: string,
    private readonly bounds: JsonBounds,
  ) {}

  value(depth: number, path: string): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === 0x7b /* { */) return this.object(depth, path);
    if (c === 0x5b /* [ */) return this.array(depth, path);
    if (c === 0x22 /* " */) return this.string(path);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number(path);
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    throw this.malformed(Number.isNaN(c) ? 'unexpected end of input' : `unexpected character ${JSON.stringify(this.text[this.pos])}`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  malformed(problem: string): OcError {
    return new OcError('OC_ENVELOPE_MALFORMED_JSON', `${problem} at position ${this.pos}`);
  }

  private limit(path: string, problem: string): OcError {
    return new OcError('OC_ENVELOPE_LIMIT_EXCEEDED', `${path}: ${problem}`, { field: path });
  }

  private unsafe(path: string, problem: string): OcError {
    return new OcError('OC_ENVELOPE_UNSAFE_VALUE', `${path}: ${problem}`, { field: path });
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private enter(depth: number, path: string): void {
    if (depth > this.bounds.maxDepth) throw this.limit(path, `nested deeper than ${this.bounds.maxDepth} levels`);
  }

  private object(depth: number, path: string): Record<string, unknown> {
    this.enter(depth, path);
    this.pos++;
    const out: Record<string, unknown> = {};
    let keys = 0;
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x7d /* } */) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== 0x22) throw this.malformed('expected a quoted key');
      const key = this.string(path);
      const keyPath = path === '(root)' ? key : `${path}.${key}`;
      if (key === '__proto__') throw this.unsafe(keyPath, 'the key __proto__ is not allowed');
      if (Object.hasOwn(out, key)) throw this.unsafe(keyPath, 'duplicate key');
      if (++keys > this.bounds.maxKeys) throw this.limit(path, `more than ${this.bounds.maxKeys} keys`);
      this.skipSpace();
      if (this.text.charCodeAt(this.pos) !== 0x3a /* : */) throw this.malformed('expected ":"');
      this.pos++;
      this.skipSpace();
      out[key] = this.value(depth + 1, keyPath);
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x7d) return out;
      if (c !== 0x2c /* , */) throw this.malformed('expected "," or "}"');
      this.skipSpace();
    }
  }

  private array(depth: number, path: string): unknown[] {
    this.enter(depth, path);
    this.pos++;
    const out: unknown[] = [];
    this.skipSpace();
    if (this.text.charCodeAt(this.pos) === 0x5d /* ] */) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (out.length >= this.bounds.maxItems) throw this.limit(path, `more than ${this.bounds.maxItems} items`);
      out.push(this.value(depth + 1, `${path}[${out.length}]`));
      this.skipSpace();
      const c = this.text.charCodeAt(this.pos++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) throw this.malformed('expected "," or "]"');
      this.skipSpace();
    }
  }

  private string(path: string): string {
    const start = ++this.pos;
    // Fast path: no escapes, the common case for device data.
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x22) {
        const s = this.text.slice(start, this.pos++);
        this.checkString(s, path);
        return s;
      }
      if (c === 0x5c /* \ */ || Number.isNaN(c) || c < 0x20) break;
      this.pos++;
    }
    let s = this.text.slice(start, this.pos);
    for (;;) {
      if (s.length > this.bounds.maxStringLength) throw this.limit(path, `a string longer than ${this.bounds.maxStringLength} characters`);
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) throw this.malformed('unterminated string');
      if (c < 0x20) throw this.malformed('control character in a string');
      if (c === 0x22) {
        this.pos++;
        this.checkString(s, path);
        return s;
      }
      if (c !== 0x5c) {
        s += this.text[this.pos++];
        continue;
      }
      const e = this.text[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case '"': s += '"'; break;
        case '\\': s += '\\'; break;
        case '/': s += '/'; break;
        case 'b': s += '\b'; break;
        case 'f': s += '\f'; break;
        case 'n': s += '\n'; break;
        case 'r': s += '\r'; break;
        case 't': s += '\t'; break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw this.malformed('bad \\u escape');
          s += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          throw this.malformed('bad escape');
      }
    }
  }

  private checkString(s: string, path: string): void {
    if (s.length > this.bounds.maxStringLength) throw this.limit(path, `a string longer than ${this.bounds.maxStringLength} characters`);
    // A lone surrogate cannot be encoded as UTF-8: stores and other languages reject or mangle it.
    if (LONE_SURROGATE.test(s)) throw this.unsafe(path, 'a string with a lone UTF-16 surrogate');
  }

  private number(path: string): number {
    NUMBER_PATTERN.lastIndex = this.pos;
    const match = NUMBER_PATTERN.exec(this.text);
    if (!match || match[0] === '-') throw this.malformed('bad number');
    const literal = match[0];
    this.pos += literal.length;
    const n = Number(literal);
    if (!Number.isFinite(n)) throw this.unsafe(path, `${literal.slice(0, 32)} is beyond the range of a number`);
    // An integer literal that is not a safe integer has already changed value by parsing it.
    if (!/[.eE]/.test(literal) && !Number.isSafeInteger(n)) throw this.unsafe(path, `${literal.slice(0, 32)} is beyond 2^53 and would lose precision`);
    return n;
  }
}
