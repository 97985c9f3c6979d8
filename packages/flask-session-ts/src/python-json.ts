/**
 * Reading JSON the way Python's `json` module writes it. `json.dumps` writes `NaN`, `Infinity`
 * and `-Infinity` (its default `allow_nan=True`), which `JSON.parse` rejects, and integers of any
 * size, which `JSON.parse` rounds past 2^53. Here both are read: the non-finite ones as numbers,
 * integers beyond the safe range exactly, as `bigint`.
 *
 * Text with none of those (nearly every session) goes to the fast native `JSON.parse`.
 * @module
 */
import { BadPayload, type PayloadProblem } from './errors.js';

/** Deepest nesting the parser follows (its own stack), matching the tagged-JSON limit. */
const MAX_NESTING = 512;

// An integer of 16 digits may pass 2^53, which the native parser would round.
const SIXTEEN_DIGITS = /\d{16}/;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\n\r]*/y;

/**
 * Parses one JSON document as Python's `json.loads` would.
 * @throws BadPayload when the text is not (Python's) JSON.
 */
export function parsePythonJson(text: string): unknown {
  if (!needsTolerantParse(text)) return nativeParse(text);
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.end();
  return value;
}

/**
 * Whether the text holds what the native parser would reject or round: `NaN`, `Infinity`, or a run
 * of 16 digits. The same test as the regular expression `/Infinity|NaN|\d{16}/`, in 40 % of its
 * time (0.55 µs instead of 1.37 µs on a 403-byte session), and made once per decode.
 */
function needsTolerantParse(text: string): boolean {
  return text.includes('NaN') || text.includes('Infinity') || SIXTEEN_DIGITS.test(text);
}

function nativeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // Includes RangeError from absurdly deep nesting.
    throw new BadPayload('Session payload is not valid JSON', error);
  }
}

/** One member of a top-level object: its key, its value, and the value's text exactly as written. */
export type Member = [key: string, value: unknown, source: string];

/**
 * The members of a top-level JSON object, in order, each with its value's text exactly as
 * written: what lets an unchanged key be written back byte for byte.
 * @throws BadPayload when the text is not one JSON object.
 */
export function objectMembers(text: string): Member[] {
  if (needsTolerantParse(text)) return new Parser(text).members();
  // The common case: the native parser reads (and validates) the text, a light scan finds the sources.
  const value = nativeParse(text);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new BadPayload('Session payload must be a JSON object', new SyntaxError('expected "{"'));
  }
  const record = value as Record<string, unknown>;
  return memberSources(text).map(([key, source]) => [key, record[key], source]);
}

/**
 * The top-level `[key, value text]` pairs of text that `JSON.parse` has accepted as an object:
 * being valid JSON, it only needs its strings skipped and its brackets counted.
 */
function memberSources(text: string): [string, string][] {
  const members: [string, string][] = [];
  let depth = 0;
  let key = '';
  let valueStart = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      const end = stringEnd(text, i);
      if (depth === 1 && valueStart < 0) key = keyAt(text, i, end);
      i = end;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      depth++;
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      if (depth === 1 && valueStart >= 0) members.push([key, text.slice(valueStart, i).trim()]);
      depth--;
    } else if (depth === 1 && ch === 0x3a /* : */) {
      valueStart = i + 1;
    } else if (depth === 1 && ch === 0x2c /* , */) {
      members.push([key, text.slice(valueStart, i).trim()]);
      valueStart = -1;
    }
  }
  return members;
}

/**
 * The key whose quotes are at `open` and `close` in valid JSON: its text as it stands unless it
 * holds an escape (valid JSON has no raw control characters), which only JSON.parse then reads.
 * A quarter of memberSources' time on the benchmark session went to JSON.parse for plain keys.
 */
function keyAt(text: string, open: number, close: number): string {
  const raw = text.slice(open + 1, close);
  return raw.includes('\\') ? (JSON.parse(text.slice(open, close + 1)) as string) : raw;
}

/** The index of the quote that closes the string opening at `start`, or -1 if there is none. */
function stringEnd(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const close = text.indexOf('"', from);
    if (close < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return close;
    from = close + 1;
  }
}

class Parser {
  #at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  members(): Member[] {
    const members: Member[] = [];
    this.#expect('{');
    if (!this.#eat('}')) {
      do {
        const key = this.#string();
        this.#expect(':');
        this.#skipWhitespace();
        const start = this.#at;
        const value = this.value(1);
        members.push([key, value, this.#text.slice(start, this.#at)]);
      } while (this.#eat(','));
      this.#expect('}');
    }
    this.end();
    return members;
  }

  value(depth: number): unknown {
    if (depth > MAX_NESTING) throw this.#error(`nested deeper than ${MAX_NESTING} levels`, 'too-deep');
    this.#skipWhitespace();
    const text = this.#text;
    const ch = text[this.#at];
    if (ch === '{') {
      this.#at++;
      const obj: Record<string, unknown> = {};
      if (this.#eat('}')) return obj;
      do {
        const key = this.#string();
        this.#expect(':');
        // defineProperty: a "__proto__" key stays a key, as with JSON.parse.
        Object.defineProperty(obj, key, {
          value: this.value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } while (this.#eat(','));
      this.#expect('}');
      return obj;
    }
    if (ch === '[') {
      this.#at++;
      const list: unknown[] = [];
      if (this.#eat(']')) return list;
      do list.push(this.value(depth + 1));
      while (this.#eat(','));
      this.#expect(']');
      return list;
    }
    if (ch === '"') return this.#string();
    for (const [word, result] of WORDS) {
      if (text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return result;
      }
    }
    return this.#number();
  }

  end(): void {
    this.#skipWhitespace();
    if (this.#at !== this.#text.length) throw this.#error('unexpected text after the value');
  }

  #number(): number | bigint {
    NUMBER.lastIndex = this.#at;
    const match = NUMBER.exec(this.#text);
    if (match === null) throw this.#error('expected a value');
    this.#at = NUMBER.lastIndex;
    const literal = match[0];
    const n = Number(literal);
    // An integer literal is a Python int: keep it exact past 2^53. Floats are doubles on both sides.
    if (match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(n)) return BigInt(literal);
    return n;
  }

  #string(): string {
    this.#skipWhitespace();
    const text = this.#text;
    const start = this.#at;
    if (text[start] !== '"') throw this.#error('expected a string');
    const close = stringEnd(text, start);
    if (close < 0) throw this.#error('unterminated string');
    this.#at = close + 1;
    try {
      // The native parser knows every escape and refuses control characters, as Python does.
      return JSON.parse(text.slice(start, close + 1)) as string;
    } catch (error) {
      throw new BadPayload('Session payload is not valid JSON: bad string', error);
    }
  }

  #skipWhitespace(): void {
    WHITESPACE.lastIndex = this.#at;
    WHITESPACE.exec(this.#text);
    this.#at = WHITESPACE.lastIndex;
  }

  #eat(ch: string): boolean {
    this.#skipWhitespace();
    if (this.#text[this.#at] !== ch) return false;
    this.#at++;
    return true;
  }

  #expect(ch: string): void {
    if (!this.#eat(ch)) throw this.#error(`expected "${ch}"`);
  }

  #error(what: string, reason: PayloadProblem = 'bad-json'): BadPayload {
    // The same shape as a JSON.parse failure: a BadPayload carrying the SyntaxError.
    const message = `${what} at offset ${this.#at}`;
    return new BadPayload(`Session payload is not valid JSON: ${message}`, new SyntaxError(message), reason);
  }
}

// Python's json reads these; "-Infinity" before the numbers, since "-" also starts a number.
const WORDS: readonly (readonly [string, unknown])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];
