/**
 * Session data as Flask-Session 0.8 stores it: the session dict encoded by msgspec, as MessagePack
 * (its default) or as JSON (`SESSION_SERIALIZATION_FORMAT='json'`).
 *
 * Written so that msgspec's decoders give Python the values meant; read as msgspec's encoders
 * write them (each value type is in FIDELITY.md's Flask-Session columns and in the tests):
 * - integers in the smallest MessagePack int, as msgspec; numbers that are not whole (or 1e16
 *   and beyond) as float64, like the cookie codec; `bigint` up to msgspec's int64/uint64 range;
 * - `Date` as the MessagePack timestamp extension msgspec reads as an aware UTC `datetime` (in
 *   JSON, the RFC 3339 text msgspec writes, which Python reads back as `str`); a timestamp is
 *   read to the millisecond (a Date holds no more);
 * - `Uint8Array` as MessagePack bin (`bytes`; JSON: base64 text, as msgspec), `Uuid` as its
 *   dashed text, as msgspec writes a `uuid.UUID`; dict keys that are ints read as their digits,
 *   other non-str keys and other extension types make the session unreadable (BadPayload).
 * What Python would read as another value is refused on write with a TypeError (NaN in JSON, a
 * lone surrogate, a Date outside Python's years 1–9999, an int beyond msgspec's MessagePack range,
 * nesting past {@link MAX_DEPTH} levels, which msgspec reads).
 *
 * Top-level values the TypeScript side did not change are written back as the bytes they were
 * read from, so a `1.0`, an int dict key or a datetime's microseconds survive a Node write.
 * @module
 */
import { BadPayload } from '../errors.js';
import { objectMembers } from '../python-json.js';
import { formatNumber, isPlainObject, MAX_DEPTH, Uuid, type SessionData } from '../tagged-json.js';

/** The two formats of Flask-Session 0.8 (`SESSION_SERIALIZATION_FORMAT`). */
export type MsgspecFormat = 'msgpack' | 'json';

/** Session data as read, with each top-level value's encoded bytes (for unchanged keys). */
export interface DecodedSession {
  readonly data: SessionData;
  readonly format: MsgspecFormat;
  /** Each top-level key's value, as it was read and as its bytes. */
  readonly sources: ReadonlyMap<string, { readonly value: unknown; readonly bytes: Buffer }>;
}

// Python's datetime covers years 1 to 9999: msgspec refuses a timestamp outside them.
const MIN_SECONDS = -62_135_596_800;
const MAX_SECONDS = 253_402_300_799;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;
const TIMESTAMP_EXT = -1;

/* ------------------------------------------------------------------ writing */

class Writer {
  readonly #chunks: Buffer[] = [];

  byte(b: number): void {
    this.#chunks.push(Buffer.of(b));
  }

  bytes(b: Buffer | Uint8Array): void {
    this.#chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }

  /** A type byte followed by an unsigned big-endian length of `size` bytes. */
  sized(type: number, value: number, size: 1 | 2 | 4): void {
    const b = Buffer.allocUnsafe(1 + size);
    b[0] = type;
    b.writeUIntBE(value, 1, size);
    this.#chunks.push(b);
  }

  done(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

/** Header of a str, bin, array or map of `length`: the smallest form, as msgspec writes. */
function header(
  w: Writer,
  length: number,
  fix: number | undefined,
  fixMax: number,
  codes: readonly number[],
): void {
  if (fix !== undefined && length <= fixMax) w.byte(fix | length);
  else if (codes.length === 3 && length <= 0xff) w.sized(codes[0] ?? 0, length, 1);
  else if (length <= 0xffff) w.sized(codes.at(-2) ?? 0, length, 2);
  else w.sized(codes.at(-1) ?? 0, length, 4);
}

function writeInteger(w: Writer, n: bigint): void {
  if (n < INT64_MIN || n > UINT64_MAX) {
    throw new TypeError(`Cannot store the integer ${n} for Flask-Session: msgspec holds -2**63 to 2**64-1`);
  }
  const b = Buffer.allocUnsafe(9);
  if (n >= 0n) {
    if (n < 0x80n) return w.byte(Number(n));
    if (n <= 0xffn) return w.sized(0xcc, Number(n), 1);
    if (n <= 0xffffn) return w.sized(0xcd, Number(n), 2);
    if (n <= 0xffff_ffffn) return w.sized(0xce, Number(n), 4);
    b[0] = 0xcf;
    b.writeBigUInt64BE(n, 1);
    return w.bytes(b);
  }
  if (n >= -32n) return w.byte(Number(n) & 0xff);
  const small: readonly [bigint, number, 1 | 2 | 4][] = [
    [-0x80n, 0xd0, 1],
    [-0x8000n, 0xd1, 2],
    [-0x8000_0000n, 0xd2, 4],
  ];
  for (const [min, code, size] of small) {
    if (n >= min) {
      const s = Buffer.allocUnsafe(1 + size);
      s[0] = code;
      s.writeIntBE(Number(n), 1, size);
      return w.bytes(s);
    }
  }
  b[0] = 0xd3;
  b.writeBigInt64BE(n, 1);
  return w.bytes(b);
}

// With the u flag a surrogate pair is one code point: only lone surrogates match.
const LONE_SURROGATE = /\p{Cs}/u;

function checkString(s: string): void {
  // UTF-8 cannot carry a lone surrogate: Buffer.from would write U+FFFD instead, silently.
  if (LONE_SURROGATE.test(s))
    throw new TypeError('Cannot store a string with a lone surrogate for Flask-Session');
}

/** Seconds and nanoseconds of a Date Python can hold, as msgspec's timestamp. */
function timestampOf(date: Date): [seconds: number, nanoseconds: number] {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new TypeError('Cannot store an invalid Date in a session');
  const seconds = Math.floor(ms / 1000);
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new TypeError(
      `Cannot store ${date.toISOString()} for Flask-Session: Python's datetime holds years 1 to 9999`,
    );
  }
  return [seconds, (ms - seconds * 1000) * 1_000_000];
}

function writeTimestamp(w: Writer, date: Date): void {
  const [seconds, nanoseconds] = timestampOf(date);
  // The three timestamp forms of the MessagePack spec, chosen as msgspec chooses them.
  if (nanoseconds === 0 && seconds >= 0 && seconds <= 0xffff_ffff) {
    const b = Buffer.allocUnsafe(6);
    b[0] = 0xd6;
    b.writeInt8(TIMESTAMP_EXT, 1);
    b.writeUInt32BE(seconds, 2);
    return w.bytes(b);
  }
  if (seconds >= 0 && seconds < 2 ** 34) {
    const b = Buffer.allocUnsafe(10);
    b[0] = 0xd7;
    b.writeInt8(TIMESTAMP_EXT, 1);
    b.writeBigUInt64BE((BigInt(nanoseconds) << 34n) | BigInt(seconds), 2);
    return w.bytes(b);
  }
  const b = Buffer.allocUnsafe(15);
  b[0] = 0xc7;
  b[1] = 12;
  b.writeInt8(TIMESTAMP_EXT, 2);
  b.writeUInt32BE(nanoseconds, 3);
  b.writeBigInt64BE(BigInt(seconds), 7);
  return w.bytes(b);
}

function writeMsgpack(w: Writer, value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string': {
      checkString(value);
      const b = Buffer.from(value, 'utf8');
      header(w, b.length, 0xa0, 31, [0xd9, 0xda, 0xdb]);
      return w.bytes(b);
    }
    case 'number':
      // One rule with the cookie codec: safe whole numbers are ints (JavaScript cannot tell 1 from
      // 1.0, and -0 from a whole number), the rest float64: an int from 2^53 would read back as a
      // bigint, where a JavaScript number is a double.
      if (Number.isSafeInteger(value)) return writeInteger(w, BigInt(value));
      {
        const b = Buffer.allocUnsafe(9);
        b[0] = 0xcb;
        b.writeDoubleBE(value, 1);
        return w.bytes(b);
      }
    case 'bigint':
      return writeInteger(w, value);
    case 'boolean':
      return w.byte(value ? 0xc3 : 0xc2);
    case 'undefined':
      // Only in arrays (members that are undefined are left out): as null, like JSON.stringify.
      return w.byte(0xc0);
    case 'object': {
      if (value === null) return w.byte(0xc0);
      if (depth >= MAX_DEPTH)
        throw new TypeError(`Cannot store a value nested deeper than ${MAX_DEPTH} levels`);
      if (Array.isArray(value)) {
        header(w, value.length, 0x90, 15, [0xdc, 0xdd]);
        for (let i = 0; i < value.length; i++) writeMsgpack(w, value[i], depth + 1);
        return;
      }
      if (value instanceof Uint8Array) {
        header(w, value.byteLength, undefined, 0, [0xc4, 0xc5, 0xc6]);
        return w.bytes(value);
      }
      if (value instanceof Date) return writeTimestamp(w, value);
      if (value instanceof Uuid) return writeMsgpack(w, value.toString(), depth);
      const entries = members(value);
      header(w, entries.length, 0x80, 15, [0xde, 0xdf]);
      for (const [key, item] of entries) {
        writeMsgpack(w, key, depth + 1);
        writeMsgpack(w, item, depth + 1);
      }
      return;
    }
    default:
      throw new TypeError(`Cannot store a value of type ${typeof value} in a session`);
  }
}

/** The defined members of a plain object; anything else is refused. */
function members(value: object): [string, unknown][] {
  if (!isPlainObject(value)) {
    // Map, Set, class instances, other typed arrays: no Python value to give them.
    throw new TypeError(
      `Cannot store a ${value.constructor.name} in a session: use plain objects and arrays`,
    );
  }
  return Object.entries(value).filter((entry) => entry[1] !== undefined);
}

/* ------------------------------------------------------------------ JSON, as msgspec.json */

function writeJson(out: string[], value: unknown, depth: number): void {
  switch (typeof value) {
    case 'string':
      checkString(value);
      out.push(JSON.stringify(value));
      return;
    case 'number':
      if (!Number.isFinite(value)) {
        // msgspec.json writes NaN and the infinities as null: refused rather than changed.
        throw new TypeError(
          `Cannot store ${value} in Flask-Session's JSON format (msgspec writes it as null)`,
        );
      }
      // As the cookie codec writes it: safe whole numbers as ints, the rest with a fraction or an
      // exponent, so Python reads a float where the MessagePack form has one.
      out.push(formatNumber(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'undefined':
      out.push('null');
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (depth >= MAX_DEPTH)
        throw new TypeError(`Cannot store a value nested deeper than ${MAX_DEPTH} levels`);
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          writeJson(out, value[i], depth + 1);
        }
        out.push(']');
        return;
      }
      if (value instanceof Uint8Array) {
        out.push(`"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}"`);
        return;
      }
      if (value instanceof Date) {
        out.push(`"${rfc3339(value)}"`);
        return;
      }
      if (value instanceof Uuid) {
        out.push(`"${value.toString()}"`);
        return;
      }
      out.push('{');
      members(value).forEach(([key, item], i) => {
        if (i > 0) out.push(',');
        writeJson(out, key, depth + 1);
        out.push(':');
        writeJson(out, item, depth + 1);
      });
      out.push('}');
      return;
    }
    default:
      throw new TypeError(`Cannot store a value of type ${typeof value} in a session`);
  }
}

/** A Date as msgspec.json writes an aware UTC datetime: microseconds only when not zero, `Z`. */
export function rfc3339(date: Date): string {
  const [seconds, nanoseconds] = timestampOf(date);
  // Years 1 to 9999 only (timestampOf), which toISOString writes with four digits.
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  return nanoseconds === 0 ? `${whole}Z` : `${whole}.${String(nanoseconds / 1000).padStart(6, '0')}Z`;
}

/* ------------------------------------------------------------------ reading */

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  need(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new BadPayload('Session data ends too early');
    this.pos = at + n;
    return at;
  }

  uint(size: 1 | 2 | 4): number {
    return this.buf.readUIntBE(this.need(size), size);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function readValue(r: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new BadPayload(`Session data is nested deeper than ${MAX_DEPTH} levels`);
  const b = r.buf[r.need(1)] ?? 0;
  if (b <= 0x7f) return b;
  if (b >= 0xe0) return b - 0x100;
  if (b >= 0xa0 && b <= 0xbf) return readString(r, b & 0x1f);
  if (b >= 0x90 && b <= 0x9f) return readArray(r, b & 0x0f, depth);
  if (b >= 0x80 && b <= 0x8f) return readMap(r, b & 0x0f, depth);
  const buf = r.buf;
  switch (b) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
    case 0xc5:
    case 0xc6:
      return new Uint8Array(buf.subarray(...span(r, r.uint(sizeOf(b - 0xc4)))));
    case 0xc7:
    case 0xc8:
    case 0xc9: {
      const length = r.uint(sizeOf(b - 0xc7));
      return readExt(r, length);
    }
    case 0xca:
      return buf.readFloatBE(r.need(4));
    case 0xcb:
      return buf.readDoubleBE(r.need(8));
    case 0xcc:
    case 0xcd:
    case 0xce:
      return r.uint(sizeOf(b - 0xcc));
    case 0xcf:
      return exact(buf.readBigUInt64BE(r.need(8)));
    case 0xd0:
      return buf.readInt8(r.need(1));
    case 0xd1:
      return buf.readInt16BE(r.need(2));
    case 0xd2:
      return buf.readInt32BE(r.need(4));
    case 0xd3:
      return exact(buf.readBigInt64BE(r.need(8)));
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return readExt(r, 2 ** (b - 0xd4));
    case 0xd9:
    case 0xda:
    case 0xdb:
      return readString(r, r.uint(sizeOf(b - 0xd9)));
    case 0xdc:
    case 0xdd:
      return readArray(r, r.uint(sizeOf(b - 0xdb)), depth);
    case 0xde:
    case 0xdf:
      return readMap(r, r.uint(sizeOf(b - 0xdd)), depth);
    default:
      throw new BadPayload(`Session data holds the byte 0x${b.toString(16)}, which is no MessagePack type`);
  }
}

function sizeOf(index: number): 1 | 2 | 4 {
  return index === 0 ? 1 : index === 1 ? 2 : 4;
}

function span(r: Reader, length: number): [number, number] {
  const at = r.need(length);
  return [at, at + length];
}

/** An integer as a number when exact, else a bigint (Python's ints beyond 2^53). */
function exact(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

function readString(r: Reader, length: number): string {
  try {
    return UTF8.decode(r.buf.subarray(...span(r, length)));
  } catch (error) {
    if (error instanceof BadPayload) throw error;
    throw new BadPayload('Session data holds a string that is not UTF-8', error);
  }
}

function readArray(r: Reader, length: number, depth: number): unknown[] {
  const items: unknown[] = [];
  for (let i = 0; i < length; i++) items.push(readValue(r, depth + 1));
  return items;
}

function readMap(r: Reader, length: number, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const key = readKey(r, depth);
    // defineProperty: a "__proto__" key stays a key.
    Object.defineProperty(result, key, {
      value: readValue(r, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** A dict key: a str, or an int read as its digits (as Python's json module writes int keys). */
function readKey(r: Reader, depth: number): string {
  const type = r.buf[r.pos];
  // A float key (1.0) would read as the number 1: refused, not taken for an int.
  if (type === 0xca || type === 0xcb) throw new BadPayload('Session data holds a dict key that is a float');
  const key = readValue(r, depth + 1);
  if (typeof key === 'string') return key;
  if (typeof key === 'number' && Number.isInteger(key)) return String(key);
  if (typeof key === 'bigint') return key.toString();
  throw new BadPayload('Session data holds a dict key that is neither a str nor an int');
}

function readExt(r: Reader, length: number): Date {
  const type = r.buf.readInt8(r.need(1));
  const [start, end] = span(r, length);
  if (type !== TIMESTAMP_EXT)
    throw new BadPayload(`Session data holds the MessagePack extension type ${type}`);
  const buf = r.buf;
  let seconds: number;
  let nanoseconds: number;
  if (length === 4) {
    seconds = buf.readUInt32BE(start);
    nanoseconds = 0;
  } else if (length === 8) {
    const both = buf.readBigUInt64BE(start);
    nanoseconds = Number(both >> 34n);
    seconds = Number(both & 0x3_ffff_ffffn);
  } else if (length === 12) {
    nanoseconds = buf.readUInt32BE(start);
    seconds = Number(buf.readBigInt64BE(start + 4));
  } else {
    throw new BadPayload(`Session data holds a timestamp of ${end - start} bytes`);
  }
  if (nanoseconds > 999_999_999 || seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
    throw new BadPayload('Session data holds a timestamp Python cannot read');
  }
  // Milliseconds: a Date holds no more (microseconds survive in keys left unchanged).
  return new Date(seconds * 1000 + Math.floor(nanoseconds / 1_000_000));
}

function decodeMsgpack(bytes: Buffer): DecodedSession {
  const r = new Reader(bytes);
  const b = bytes[0] ?? 0;
  let length: number;
  if (b >= 0x80 && b <= 0x8f) {
    r.pos = 1;
    length = b & 0x0f;
  } else if (b === 0xde || b === 0xdf) {
    r.pos = 1;
    length = r.uint(b === 0xde ? 2 : 4);
  } else {
    throw new BadPayload('Session data is not a MessagePack map');
  }
  const data: Record<string, unknown> = {};
  const sources = new Map<string, { value: unknown; bytes: Buffer }>();
  for (let i = 0; i < length; i++) {
    const key = readKey(r, 0);
    const start = r.pos;
    const value = readValue(r, 1);
    Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
    sources.set(key, { value, bytes: bytes.subarray(start, r.pos) });
  }
  if (r.pos !== bytes.length) throw new BadPayload('Session data has bytes after its end');
  return { data: data as SessionData, format: 'msgpack', sources };
}

function decodeJson(bytes: Buffer): DecodedSession {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch (error) {
    throw new BadPayload('Session data is not UTF-8', error);
  }
  const data: Record<string, unknown> = {};
  const sources = new Map<string, { value: unknown; bytes: Buffer }>();
  for (const [key, value, source] of objectMembers(text)) {
    Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true });
    // Each member's own text, for keys written back unchanged.
    sources.set(key, { value, bytes: Buffer.from(source, 'utf8') });
  }
  return { data: data as SessionData, format: 'json', sources };
}

/**
 * Reads what Flask-Session stored: first as `format`, then as the other format, as Flask-Session's
 * own decoder does (so switching `SESSION_SERIALIZATION_FORMAT` keeps sessions readable). Never
 * pickle, Flask-Session's last fallback: such data is unreadable here.
 * @throws BadPayload when neither format reads it.
 */
export function decodeSession(bytes: Buffer, format: MsgspecFormat): DecodedSession {
  const [first, second] = format === 'msgpack' ? [decodeMsgpack, decodeJson] : [decodeJson, decodeMsgpack];
  try {
    return first(bytes);
  } catch (error) {
    if (!(error instanceof BadPayload)) throw error;
    try {
      return second(bytes);
    } catch (other) {
      if (!(other instanceof BadPayload)) throw other;
      throw error;
    }
  }
}

/**
 * Encodes `data` as msgspec would the Python dict it stands for. Keys whose value equals (as
 * TypeScript sees it) the one read in `previous` are written back as the bytes read.
 * @throws TypeError for what Python could not read back as the same value (see the module notes).
 */
export function encodeSession(data: SessionData, format: MsgspecFormat, previous?: DecodedSession): Buffer {
  const reuse = previous?.format === format ? previous.sources : undefined;
  const entries = members(data);
  if (format === 'json') {
    const out: string[] = ['{'];
    entries.forEach(([key, value], i) => {
      if (i > 0) out.push(',');
      writeJson(out, key, 1);
      out.push(':');
      const source = reuse?.get(key);
      if (source !== undefined && sameValue(source.value, value)) out.push(source.bytes.toString('utf8'));
      else writeJson(out, value, 1);
    });
    out.push('}');
    return Buffer.from(out.join(''), 'utf8');
  }
  const w = new Writer();
  header(w, entries.length, 0x80, 15, [0xde, 0xdf]);
  for (const [key, value] of entries) {
    writeMsgpack(w, key, 1);
    const source = reuse?.get(key);
    if (source !== undefined && sameValue(source.value, value)) w.bytes(source.bytes);
    else writeMsgpack(w, value, 1);
  }
  return w.done();
}

/** Deep equality as TypeScript sees session values: bytes by content, dates by time. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  }
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  }
  if (a instanceof Uuid || b instanceof Uuid)
    return a instanceof Uuid && b instanceof Uuid && a.hex === b.hex;
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const left = Object.entries(a).filter((e) => e[1] !== undefined);
  const right = Object.entries(b).filter((e) => e[1] !== undefined);
  return (
    left.length === right.length &&
    left.every(([key, value], i) => {
      const other = right[i];
      return other !== undefined && other[0] === key && sameValue(value, other[1]);
    })
  );
}
