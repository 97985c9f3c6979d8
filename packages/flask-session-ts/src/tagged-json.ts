/**
 * Flask's tagged JSON (`flask/json/tag.py`), written byte for byte as Flask writes it.
 *
 * JSON has no bytes, dates or UUIDs, so Flask wraps them in one-key objects whose key is a
 * tag: `{" b": "/w=="}`. Output matches `json.dumps(tagged, separators=(",", ":"),
 * sort_keys=True, ensure_ascii=True)`: keys sorted by code point, no spaces, every non-ASCII
 * character as `\uXXXX`. Reading untags bottom-up, like Python's `object_hook`.
 * @module
 */
import { BadPayload, UnstorableValue, type UnstorableReason } from './errors.js';
import { objectMembers } from './python-json.js';

/** A UUID, stored by Flask as `{" u": "<32 hex digits>"}`. */
export class Uuid {
  /** 32 lowercase hex digits, no dashes (Python's `UUID.hex`). */
  readonly hex: string;

  /** @param value 32 hex digits, with or without dashes, any case. */
  constructor(value: string) {
    const hex = value.replaceAll('-', '').toLowerCase();
    if (!/^[0-9a-f]{32}$/.test(hex)) throw new TypeError(`Not a UUID: ${JSON.stringify(value)}`);
    this.hex = hex;
  }

  /** The canonical dashed form, `8-4-4-4-12`. */
  toString(): string {
    const h = this.hex;
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
}

/**
 * What a session can hold. Python's integers beyond 2^53 are read (and written) exactly as
 * `bigint`. Tuples and Markup from Flask read as arrays and strings, and `1.0` as `1`: a key
 * left unchanged is written back exactly as Flask wrote it, so nothing is lost unless it is set.
 */
export type SessionValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Uuid
  | readonly SessionValue[]
  | { readonly [key: string]: SessionValue | undefined };

/** A session's top level: a JSON object. */
export type SessionData = Record<string, SessionValue | undefined>;

const TAGS = new Set([' di', ' t', ' b', ' m', ' u', ' d']);

/**
 * Python's `str.__lt__` on keys: code point order. JavaScript's default sort compares UTF-16
 * code units, which puts astral characters (surrogates, 0xD800…) before U+E000…U+FFFF.
 * Only called for keys with such characters; ASCII keys take the fast default sort.
 */
function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  // Walk both strings by code point: a surrogate pair is one character to Python.
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(j) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return i < a.length ? 1 : j < b.length ? -1 : 0;
}

function sortedKeys(obj: object): string[] {
  const keys = Object.keys(obj);
  let ascii = true;
  for (const k of keys) {
    if (/[\ud800-\uffff]/.test(k)) {
      ascii = false;
      break;
    }
  }
  return ascii ? keys.sort() : keys.sort(compareCodePoints);
}

// Characters JSON.stringify writes raw but Python's ensure_ascii escapes (DEL and beyond).
const NOT_ASCII = /[\u007f-\uffff]/;
const NON_ASCII = new RegExp(NOT_ASCII.source, 'g');

/** Python's `json.dumps(s, ensure_ascii=True)` for a string. */
export function quoteString(s: string): string {
  const quoted = JSON.stringify(s);
  // Fast path: most session strings are plain ASCII.
  if (!NOT_ASCII.test(quoted)) return quoted;
  return quoted.replace(NON_ASCII, (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * Python's `float.__repr__`, which `json.dumps` uses: the same shortest digits as JavaScript,
 * but written in exponent form below 1e-4 and from 1e16 up (`1e-05`, `1e+16`) and with `.0`
 * on integral values. Integral numbers within the safe range are written as integers: JavaScript
 * cannot tell 1 from 1.0, and `1` reads back equal to `1.0` in Python. Beyond it (from 2^53) they
 * are floats, as Python's repr writes them (`9007199254740992.0`): an integer there would read back
 * as a `bigint`, and a JavaScript number is a double. NaN and the infinities are written as
 * `json.dumps` writes them (`NaN`, `Infinity`, `-Infinity`), which Python's `json` reads.
 */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (Number.isSafeInteger(n)) return Object.is(n, -0) ? '0' : String(n);
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return `${String(n)}.0`;
  // Write it the way Python's repr() does, from the shortest round-trip digits.
  const [mantissa = '', expPart = '0'] = n.toExponential().split('e');
  const exp = Number(expPart);
  if (exp >= 16 || exp < -4) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** An object literal, `JSON.parse` output, or a null-prototype object. */
export function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Deepest nesting written: containers inside the session's object, counting the object Flask
 * wraps a tagged value in (bytes, Date, UUID) as one more level and an escaped one-key object
 * (`{" di": {…}}`) as two. Flask 2.2 and 3.1 answer 500 (`RecursionError`) from 326 levels,
 * measured through a real request that reads the cookie and writes it back; this library reads up
 * to 511 ({@link MAX_DEPTH}). 128 leaves Flask apps with deeper call stacks plenty of room.
 */
export const MAX_WRITE_DEPTH = 128;

/** Thrown by the writer when it meets what it cannot write; {@link dumps} says where and why. */
class Refused extends Error {}

function writeValue(value: unknown, out: string[], depth: number): void {
  switch (typeof value) {
    case 'string':
      out.push(quoteString(value));
      return;
    case 'number':
      out.push(formatNumber(value));
      return;
    case 'bigint':
      out.push(value.toString());
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object':
      if (value === null) {
        out.push('null');
        return;
      }
      if (depth > MAX_WRITE_DEPTH) throw new Refused();
      if (Array.isArray(value)) {
        // PassList
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          if (item === undefined) out.push('null');
          else writeValue(item, out, depth + 1);
        }
        out.push(']');
        return;
      }
      if (value instanceof Uint8Array) {
        out.push(
          '{" b":"',
          Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
          '"}',
        );
        return;
      }
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new Refused();
        // Werkzeug's http_date: RFC 9110 IMF-fixdate, whole seconds, which toUTCString() produces.
        out.push('{" d":"', value.toUTCString(), '"}');
        return;
      }
      if (value instanceof Uuid) {
        out.push('{" u":"', value.hex, '"}');
        return;
      }
      // Map, Set, class instances, other typed arrays: JSON would silently write {} and lose data.
      if (!isPlainObject(value)) throw new Refused();
      writeObject(value, out, depth);
      return;
    default:
      throw new Refused();
  }
}

/**
 * Whether `JSON.stringify` writes `value` as Flask would, but for non-ASCII characters (which the
 * caller finds in its output): plain objects whose keys are already in sorted order and arrays, of
 * strings, booleans, null and numbers that both languages write alike. False for anything tagged,
 * escaped (a one-key object whose key is a tag), bigint, written otherwise by Python's repr, or with
 * keys out of order.
 */
function isNativeJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      // JSON.stringify drops undefined members and writes undefined items as null, as writeValue does.
      return true;
    case 'number': {
      // Python's repr and JavaScript agree on safe integers and on fractions in [1e-4, 1e16).
      if (Number.isInteger(value)) return Number.isSafeInteger(value);
      const magnitude = Math.abs(value);
      return magnitude < 1e16 && magnitude >= 1e-4;
    }
    case 'object': {
      if (value === null) return true;
      // Deeper is refused by the tagged writer; a cycle stops here too.
      if (depth > MAX_WRITE_DEPTH) return false;
      if (Array.isArray(value)) return value.every((item) => isNativeJson(item, depth + 1));
      if (!isPlainObject(value)) return false;
      let count = 0;
      let lastKey = '';
      for (const key of Object.keys(value)) {
        const member = value[key];
        if (member === undefined) continue;
        // Code unit order is Python's code point order for the ASCII keys that pass the output check.
        if ((key <= lastKey && count > 0) || !isNativeJson(member, depth + 1)) return false;
        lastKey = key;
        count++;
      }
      return count !== 1 || !TAGS.has(lastKey);
    }
    default:
      return false;
  }
}

/**
 * `value` as Flask writes it, by the native `JSON.stringify` (several times faster than the tagged
 * writer, and its own fast path takes no replacer, hence the key-order check), or undefined when
 * only the tagged writer can write it.
 */
function nativeJson(value: unknown, depth: number): string | undefined {
  if (!isNativeJson(value, depth)) return undefined;
  const text = JSON.stringify(value);
  return NOT_ASCII.test(text) ? undefined : text;
}

function writeObject(obj: object, out: string[], depth: number, sources?: ReadonlyMap<string, string>): void {
  const keys = sortedKeys(obj).filter((k) => (obj as Record<string, unknown>)[k] !== undefined);
  const [only] = keys;
  if (keys.length === 1 && only !== undefined && TAGS.has(only)) {
    // TagDict: a one-key object whose key is a tag is escaped, or it would be read as tagged.
    out.push('{" di":{', quoteString(only + '__'), ':');
    writeMember((obj as Record<string, unknown>)[only], out, depth + 2);
    out.push('}}');
    return;
  }
  out.push('{');
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    if (i > 0) out.push(',');
    out.push(quoteString(key), ':');
    const source = sources?.get(key);
    if (source !== undefined) out.push(source);
    else writeMember((obj as Record<string, unknown>)[key], out, depth + 1);
  }
  out.push('}');
}

function writeMember(value: unknown, out: string[], depth: number): void {
  // Most session values are plain ASCII JSON.
  const text = nativeJson(value, depth);
  if (text === undefined) writeValue(value, out, depth);
  else out.push(text);
}

/**
 * Serialises session data as Flask does. Keys whose value is `undefined` are left out, and
 * `undefined` array items are written as `null` (as `JSON.stringify` does).
 * @param sources the JSON text of top-level keys to write verbatim instead of their value (keys
 *   unchanged since they were read, see {@link loadsWithSources}); each must be that value's text.
 * @throws UnstorableValue for values a session cannot carry (functions, Map, class instances,
 *   cycles, nesting deeper than {@link MAX_WRITE_DEPTH}, …), naming the key: a programming error.
 */
export function dumps(data: SessionData, sources?: ReadonlyMap<string, string>): string {
  try {
    // A whole session of plain JSON with its keys in order (without verbatim texts to splice in).
    const text = sources === undefined || sources.size === 0 ? nativeJson(data, 0) : undefined;
    if (text !== undefined) return text;
    const out: string[] = [];
    // Anything else is refused (or written, for the codec's own tests) by writeValue.
    if (isPlainObject(data)) writeObject(data, out, 0, sources);
    else writeValue(data, out, 0);
    return out.join('');
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    // Only now, on the way out, find what was refused and where: writing stays one walk.
    checkSession(data, sources);
    // The writer and the check apply the same rules: not reached unless they disagree.
    throw new UnstorableValue(
      undefined,
      'unsupported-type',
      '',
      'Cannot store this session: a value was refused.',
    );
  }
}

/**
 * Checks that `value` can be stored under `key`, as {@link dumps} would write it.
 * @throws UnstorableValue naming the key, where in the value, and why.
 */
export function assertStorable(key: string, value: unknown): void {
  check(value, key, pathOf('', key), TAGS.has(key) ? 2 : 1, new Set());
}

/** {@link check} over what {@link dumps} writes of `data`: every key but those written verbatim. */
function checkSession(data: unknown, sources: ReadonlyMap<string, string> | undefined): void {
  if (typeof data !== 'object' || data === null || !isPlainObject(data)) {
    check(data, undefined, '', 0, new Set());
    return;
  }
  // An escaped one-key object ({" di": {…}}) puts its value two levels down.
  const escaped = Object.keys(data).filter((k) => data[k] !== undefined).length === 1;
  for (const key of Object.keys(data)) {
    if (sources?.get(key) !== undefined) continue;
    check(data[key], key, pathOf('', key), escaped && TAGS.has(key) ? 2 : 1, new Set([data]));
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'string' && IDENTIFIER.test(key)) return parent === '' ? key : `${parent}.${key}`;
  // An array index, or a key that is not an identifier: x[0], x["my key"].
  return `${parent}[${JSON.stringify(key)}]`;
}

const REFUSALS: Readonly<Record<UnstorableReason, string>> = {
  'unsupported-type':
    'a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
  'invalid-date': 'the Date is invalid (its time is NaN).',
  cycle: 'the value contains itself (a cycle).',
  'too-deep': `it is nested deeper than ${MAX_WRITE_DEPTH} levels, which Flask cannot read back.`,
};

function refuse(key: string | undefined, reason: UnstorableReason, path: string, what: string): never {
  const where = path === '' ? 'as the session' : `at ${path}`;
  throw new UnstorableValue(key, reason, path, `Cannot store ${what} ${where}: ${REFUSALS[reason]}`);
}

function describe(value: object | ((...args: never[]) => unknown) | symbol): string {
  if (typeof value !== 'object') return `a ${typeof value}`;
  const proto: unknown = Object.getPrototypeOf(value);
  const name = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object of unknown class';
}

/**
 * The rules {@link dumps} writes by, with the key and place of the first value it would refuse.
 * `depth` is the level `value` is written at, counted as {@link MAX_WRITE_DEPTH} counts.
 */
function check(
  value: unknown,
  key: string | undefined,
  path: string,
  depth: number,
  ancestors: Set<object>,
): void {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return;
    case 'object':
      break;
    default:
      refuse(key, 'unsupported-type', path, describe(value as symbol));
  }
  if (value === null) return;
  if (ancestors.has(value)) refuse(key, 'cycle', path, 'an object that contains itself');
  if (depth > MAX_WRITE_DEPTH) refuse(key, 'too-deep', path, 'a value');
  if (value instanceof Uint8Array || value instanceof Uuid) return;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) refuse(key, 'invalid-date', path, 'an invalid Date');
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      check(value[i] as unknown, key, pathOf(path, i), depth + 1, ancestors);
    }
  } else if (isPlainObject(value)) {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    const [only] = keys;
    // An escaped one-key object ({" di": {…}}) puts its value two levels down.
    const step = keys.length === 1 && only !== undefined && TAGS.has(only) ? 2 : 1;
    for (const k of keys) check(value[k], key, pathOf(path, k), depth + step, ancestors);
  } else {
    refuse(key, 'unsupported-type', path, describe(value));
  }
  ancestors.delete(value);
}

// Werkzeug's parse_date accepts more, but Flask only ever writes IMF-fixdate.
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function untagged(tag: string, inner: unknown): unknown {
  switch (tag) {
    case ' t':
      if (!Array.isArray(inner))
        throw new BadPayload('Tuple tag " t" must hold an array', undefined, 'bad-tag');
      return inner;
    case ' b':
      if (typeof inner !== 'string' || !BASE64.test(inner))
        throw new BadPayload('Bytes tag " b" must hold base64', undefined, 'bad-tag');
      return new Uint8Array(Buffer.from(inner, 'base64'));
    case ' m':
      if (typeof inner !== 'string')
        throw new BadPayload('Markup tag " m" must hold a string', undefined, 'bad-tag');
      return inner;
    case ' u':
      if (typeof inner !== 'string')
        throw new BadPayload('UUID tag " u" must hold a string', undefined, 'bad-tag');
      try {
        return new Uuid(inner);
      } catch (error) {
        throw new BadPayload('UUID tag " u" must hold 32 hex digits', error, 'bad-tag');
      }
    case ' d': {
      const time = typeof inner === 'string' && HTTP_DATE.test(inner) ? Date.parse(inner) : NaN;
      // The round trip refuses dates V8 would roll over (31 Feb → 2 Mar), as Werkzeug refuses them.
      if (Number.isNaN(time) || new Date(time).toUTCString() !== inner) {
        throw new BadPayload('Date tag " d" must hold an HTTP date', undefined, 'bad-tag');
      }
      return new Date(time);
    }
    default: {
      // ' di': {"<key>__": value} → {"<key>": value}. Children are untagged first (as with
      // Python's object_hook), so the inner value may already be bytes or a UUID: Flask fails there too.
      const entries =
        inner !== null && typeof inner === 'object' && isPlainObject(inner) ? Object.entries(inner) : [];
      const [entry] = entries;
      if (entries.length !== 1 || entry === undefined) {
        throw new BadPayload('Dict tag " di" must hold a one-key object', undefined, 'bad-tag');
      }
      const result: Record<string, unknown> = {};
      Object.defineProperty(result, entry[0].slice(0, -2), {
        value: entry[1],
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return result;
    }
  }
}

/**
 * Deepest nesting accepted. Python's json gives up near 1,000 levels; no session needs more
 * than a handful, and a bound keeps the walk's stack use small and predictable.
 */
export const MAX_DEPTH = 512;

/**
 * Matches the text of every tagged object. A tag is the only key of its object and starts with a
 * space, so the object opens with `{`, JSON whitespace, a quote and a space: written raw, or as
 * `\u0020`, the only escape that reads as a space. A match only means a walk is needed: it may be
 * in a string, or a key with a space that is not a tag.
 */
const MAY_HOLD_TAG = /\{[ \t\n\r]*"(?: |\\u0020)/;

/**
 * Length of the shortest text {@link untagTree} refuses as too deep: a value nested
 * {@link MAX_DEPTH} levels inside the session, `{"":` then MAX_DEPTH brackets opened and closed, `}`.
 */
const SHORTEST_TOO_DEEP = 2 * MAX_DEPTH + 5;

/** Untags in place, children first, like Python's `object_hook`. */
function untagTree(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) {
    throw new BadPayload(`Session payload is nested deeper than ${MAX_DEPTH} levels`, undefined, 'too-deep');
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = untagTree(value[i], depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  let count = 0;
  let lastKey = '';
  for (const key in obj) {
    obj[key] = untagTree(obj[key], depth + 1);
    lastKey = key;
    count++;
  }
  return count === 1 && TAGS.has(lastKey) ? untagged(lastKey, obj[lastKey]) : obj;
}

/** Session data as read, with each top-level value's JSON text. */
export interface LoadedData {
  readonly data: SessionData;
  /** Each top-level key's value exactly as written, for {@link dumps} to write back unchanged keys. */
  readonly sources: ReadonlyMap<string, string>;
}

/**
 * Parses Flask's tagged JSON into session data, reading everything Python's `json` writes.
 * @throws BadPayload when the text is not JSON, not an object, or a tag holds the wrong thing.
 */
export function loads(text: string): SessionData {
  return loadsWithSources(text).data;
}

/**
 * {@link loads}, also keeping each top-level value's text, so that keys the TypeScript side does
 * not change go back exactly as Flask wrote them (a tuple stays a tuple, Markup stays Markup).
 * @throws BadPayload as {@link loads} does.
 */
export function loadsWithSources(text: string): LoadedData {
  const members = objectMembers(text);
  const data = Object.create(null) as Record<string, unknown>;
  const sources = new Map<string, string>();
  // Untagging only replaces tagged objects and refuses deep nesting: text that can hold neither
  // (nearly every session) is already what the walk would leave.
  const untag = text.length >= SHORTEST_TOO_DEEP || MAY_HOLD_TAG.test(text);
  try {
    for (const [key, value, source] of members) {
      data[key] = untag ? untagTree(value, 1) : value;
      sources.set(key, source);
    }
  } catch (error) {
    if (error instanceof BadPayload) throw error;
    throw new BadPayload('Session payload could not be untagged', error);
  }
  const [only] = members;
  if (members.length === 1 && only !== undefined && TAGS.has(only[0])) {
    // The whole session is one tagged value, e.g. Flask's escape of {" t": …}: no verbatim keys.
    const value = untagged(only[0], data[only[0]]);
    if (value === null || typeof value !== 'object' || !isPlainObject(value)) {
      throw new BadPayload('Session payload must be a JSON object');
    }
    return { data: value as SessionData, sources: new Map() };
  }
  return { data: data as SessionData, sources };
}
