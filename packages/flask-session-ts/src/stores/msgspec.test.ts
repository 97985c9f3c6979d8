/**
 * The msgspec codec against msgspec's own bytes: each vector below is what
 * `msgspec.msgpack.Encoder().encode(value)` (msgspec 0.22, Flask-Session 0.8's) wrote for the
 * Python value standing beside it; the real-Flask-Session suite (test/flask/flask-session.test.ts)
 * checks the same values end to end.
 */
import { describe, expect, it } from 'vitest';
import { BadPayload } from '../errors.js';
import { MAX_DEPTH, Uuid, type SessionData, type SessionValue } from '../tagged-json.js';
import { decodeSession, encodeSession, rfc3339, sameValue } from './msgspec.js';

const nulls = (n: number) => Array.from({ length: n }, () => null);
const map = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), null]));
const utc = (...args: [number, number, number, number?, number?, number?, number?]) =>
  new Date(Date.UTC(...args));

/** [name, TypeScript value, msgspec's first bytes (hex), msgspec's length]. */
const VECTORS: readonly (readonly [string, SessionValue, string, number])[] = [
  ['0', 0, '00', 1],
  ['127', 127, '7f', 1],
  ['128', 128, 'cc80', 2],
  ['255', 255, 'ccff', 2],
  ['256', 256, 'cd0100', 3],
  ['65535', 65535, 'cdffff', 3],
  ['65536', 65536, 'ce00010000', 5],
  ['2**32-1', 2 ** 32 - 1, 'ceffffffff', 5],
  ['2**32', 2 ** 32, 'cf0000000100000000', 9],
  ['-1', -1, 'ff', 1],
  ['-32', -32, 'e0', 1],
  ['-33', -33, 'd0df', 2],
  ['-128', -128, 'd080', 2],
  ['-129', -129, 'd1ff7f', 3],
  ['-32768', -32768, 'd18000', 3],
  ['-32769', -32769, 'd2ffff7fff', 5],
  ['-2**31', -(2 ** 31), 'd280000000', 5],
  ['-2**31-1', -(2 ** 31) - 1, 'd3ffffffff7fffffff', 9],
  ['2**53-1', 2 ** 53 - 1, 'cf001fffffffffffff', 9],
  ['2**53 (a float, as a double is)', 2 ** 53, 'cb4340000000000000', 9],
  ['2**63', 2n ** 63n, 'cf8000000000000000', 9],
  ['-2**63', -(2n ** 63n), 'd38000000000000000', 9],
  ['2**64-1', 2n ** 64n - 1n, 'cfffffffffffffffff', 9],
  ['1.5', 1.5, 'cb3ff8000000000000', 9],
  ['nan', NaN, 'cb7ff8000000000000', 9],
  ['1e16', 1e16, 'cb4341c37937e08000', 9],
  ['true', true, 'c3', 1],
  ['false', false, 'c2', 1],
  ['None', null, 'c0', 1],
  ['héllo', 'héllo', 'a668c3a96c6c6f', 7],
  ['str31', 'x'.repeat(31), 'bf787878787878787878787878787878', 32],
  ['str32', 'x'.repeat(32), 'd9207878787878787878787878787878', 34],
  ['str255', 'x'.repeat(255), 'd9ff7878787878787878787878787878', 257],
  ['str256', 'x'.repeat(256), 'da010078787878787878787878787878', 259],
  ['str65535', 'x'.repeat(65535), 'daffff7878', 65538],
  ['str65536', 'x'.repeat(65536), 'db000100007878787878787878787878', 65541],
  ['bin0', new Uint8Array(0), 'c400', 2],
  ['bin255', new Uint8Array(255).fill(0x78), 'c4ff7878787878787878787878787878', 257],
  ['bin256', new Uint8Array(256).fill(0x78), 'c5010078787878787878787878787878', 259],
  ['bin65536', new Uint8Array(65536).fill(0x78), 'c6000100007878787878787878787878', 65541],
  ['arr15', nulls(15), '9fc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0', 16],
  ['arr16', nulls(16), 'dc0010c0c0c0c0c0c0c0c0c0c0c0c0c0', 19],
  ['arr65535', nulls(65535), 'dcffffc0', 65538],
  ['arr65536', nulls(65536), 'dd00010000c0c0c0c0c0c0c0c0c0c0c0', 65541],
  ['map15', map(15), '8fa130c0a131c0a132c0a133c0a134c0', 51],
  ['map16', map(16), 'de0010a130c0a131c0a132c0a133c0a1', 57],
  ['map65536', map(65536), 'df00010000a130c0a131c0a132c0a133', 447647],
  ['{a: {b: None}}', { a: { b: null } }, '81a16181a162c0', 7],
  ['[1, [2]]', [1, [2]], '92019102', 4],
  ['uuid', new Uuid('12345678123456781234567812345678'), 'd92431323334353637382d313233342d', 38],
  ['ts32 at 0', new Date(0), 'd6ff00000000', 6],
  ['ts64 at 0.5 s', new Date(500), 'd7ff7735940000000000', 10],
  ['ts32', utc(2024, 0, 2, 3, 4, 5), 'd6ff65937d25', 6],
  ['ts64', utc(2024, 0, 2, 3, 4, 5, 123), 'd7ff1d53530065937d25', 10],
  ['ts96 before 1970', utc(1900, 0, 1), 'c70cff00000000ffffffff7c558180', 15],
  ['ts96 before 1970 with ms', utc(1969, 11, 31, 23, 59, 59, 500), 'c70cff1dcd6500ffffffffffffffff', 15],
  ['ts64 at 2**34-1 s', utc(2514, 4, 30, 1, 53, 3, 1), 'd7ff003d0903ffffffff', 10],
  ['ts96 at 2**34 s', utc(2514, 4, 30, 1, 53, 4), 'c70cff000000000000000400000000', 15],
  ['ts32 at 2**32-1 s', utc(2106, 1, 7, 6, 28, 15), 'd6ffffffffff', 6],
  ['ts64 at 2**32 s', utc(2106, 1, 7, 6, 28, 16), 'd7ff0000000100000000', 10],
  ['year 1', new Date('0001-01-01T00:00:00Z'), 'c70cff00000000fffffff1886e0900', 15],
  ['year 9999', utc(9999, 11, 31, 23, 59, 59, 999), 'c70cff3b8b87c00000003afff4417f', 15],
];

// A one-key session {"v": value}: fixmap of 1, fixstr "v".
const HEAD = '81a176';

describe('MessagePack as msgspec writes it', () => {
  it.each(VECTORS)('writes %s as msgspec does', (_, value, hex, length) => {
    const bytes = encodeSession({ v: value }, 'msgpack');
    expect(bytes.subarray(0, 3 + hex.length / 2).toString('hex')).toBe(HEAD + hex);
    expect(bytes.length).toBe(3 + length);
  });

  it.each(VECTORS.filter(([, value]) => !(value instanceof Uuid) && value !== 1e16))(
    'reads %s back as the value written',
    (_, value) => {
      const { data, format } = decodeSession(encodeSession({ v: value }, 'msgpack'), 'msgpack');
      expect(format).toBe('msgpack');
      expect(sameValue(data['v'], value)).toBe(true);
    },
  );

  it('writes -0 and safe whole numbers as ints, and whole numbers from 2**53 as floats, as the cookie codec', () => {
    expect(encodeSession({ v: -0 }, 'msgpack').toString('hex')).toBe(`${HEAD}00`);
    expect(encodeSession({ v: 2 ** 53 - 1 }, 'msgpack').toString('hex')).toBe(`${HEAD}cf001fffffffffffff`);
    expect(encodeSession({ v: 9_999_999_999_999_998 }, 'msgpack').toString('hex')).toBe(
      `${HEAD}cb4341c37937e07fff`,
    );
    // Read back as the number it was, not as a bigint.
    expect(decodeSession(encodeSession({ v: 2 ** 53 }, 'msgpack'), 'msgpack').data['v']).toBe(2 ** 53);
    expect(encodeSession({ v: -1e16 }, 'msgpack').toString('hex')).toBe(`${HEAD}cbc341c37937e08000`);
  });

  it('reads every form msgspec writes: floats, ints past 2**53 as bigint, int keys as text', () => {
    const read = (hex: string) => decodeSession(Buffer.from(HEAD + hex, 'hex'), 'msgpack').data['v'];
    expect(read('ca3fc00000')).toBe(1.5);
    expect(read('cb3ff0000000000000')).toBe(1);
    expect(Object.is(read('cb8000000000000000'), -0)).toBe(true);
    expect(read('cf0020000000000000')).toBe(2n ** 53n);
    expect(read('cf001fffffffffffff')).toBe(2 ** 53 - 1);
    expect(read('d3ffe0000000000000')).toBe(-(2n ** 53n));
    expect(read('d3ffe0000000000001')).toBe(-(2 ** 53) + 1);
    expect(read('d1ff7f')).toBe(-129);
    expect(read('d2ffff7fff')).toBe(-32769);
    expect(read('cd0100')).toBe(256);
    expect(read('ce00010000')).toBe(65536);
    expect(read('8101a161')).toEqual({ '1': 'a' });
    expect(read('81cf8000000000000000a161')).toEqual({ '9223372036854775808': 'a' });
    expect(read('d7ff1d6f280065937d25')).toEqual(utc(2024, 0, 2, 3, 4, 5, 123)); // 123456 µs
    expect(read('d9026162')).toBe('ab');
    expect(read('a0')).toBe('');
    expect(read('90')).toEqual([]);
    expect(read('80')).toEqual({});
    expect(read('c0')).toBeNull();
    expect(read('da00026162')).toBe('ab');
    expect(read('db000000026162')).toBe('ab');
    expect(read('c5000161')).toEqual(new Uint8Array([0x61]));
    expect(read('c600000001' + '61')).toEqual(new Uint8Array([0x61]));
    expect(read('dc0001c3')).toEqual([true]);
    expect(read('dd00000001c3')).toEqual([true]);
    expect(read('de0001a161c2')).toEqual({ a: false });
    expect(read('df00000001a161c2')).toEqual({ a: false });
    expect(read('c70cff000000000000000000000000')).toEqual(new Date(0));
    expect(read('c704ff00000000')).toEqual(new Date(0));
    expect(read('d6ff00000001')).toEqual(new Date(1000));
  });

  it('reads a session whose top level is a map16 or map32', () => {
    expect(decodeSession(Buffer.from('de0001a176c3', 'hex'), 'msgpack').data).toEqual({ v: true });
    expect(decodeSession(Buffer.from('df00000001a176c3', 'hex'), 'msgpack').data).toEqual({ v: true });
  });

  it('keeps a "__proto__" key as a key, at the top and nested', () => {
    const data = decodeSession(
      Buffer.from('81a95f5f70726f746f5f5f81a95f5f70726f746f5f5f01', 'hex'),
      'msgpack',
    ).data;
    expect(Object.keys(data)).toEqual(['__proto__']);
    expect(Object.keys(data['__proto__'] as object)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
  });

  it.each([
    ['not a map', '91c0'],
    ['an empty buffer', ''],
    ['a truncated value', '81a176cd01'],
    ['a truncated string', '81a176a3616263'.slice(0, 12)],
    ['bytes after the end', '80c0'],
    ['the unused byte 0xc1', '81a176c1'],
    ['a bytes key', '81c40161c0'],
    ['a float key', '81cb3ff0000000000000c0'],
    ['an unknown extension', '81a176d40100'],
    ['a timestamp of 2 bytes', '81a176d5ff0000'],
    ['a timestamp past year 9999', '81a176c70cff00000000000000003afff44180'],
    ['a timestamp with 10**9 ns', '81a176c70cff3b9aca000000000000000000'],
    ['invalid UTF-8', '81a176a1ff'],
  ])('refuses %s with BadPayload', (_, hex) => {
    expect(() => decodeSession(Buffer.from(hex, 'hex'), 'msgpack')).toThrow(BadPayload);
  });

  it('says why it refuses, for the log', () => {
    const why = (hex: string) => {
      try {
        decodeSession(Buffer.from(hex, 'hex'), 'msgpack');
      } catch (error) {
        return (error as Error).message;
      }
      return 'read';
    };
    expect(why('81a176cd01')).toBe('Session data ends too early');
    expect(why('81a176c1')).toBe('Session data holds the byte 0xc1, which is no MessagePack type');
    expect(why('81a176a1ff')).toBe('Session data holds a string that is not UTF-8');
    expect(why('81cb3ff0000000000000c0')).toBe('Session data holds a dict key that is a float');
    expect(why('81c40161c0')).toBe('Session data holds a dict key that is neither a str nor an int');
    expect(why('81a176d40100')).toBe('Session data holds the MessagePack extension type 1');
    expect(why('81a176d5ff0000')).toBe('Session data holds a timestamp of 2 bytes');
    expect(why('81a176c70cff3b9aca000000000000000000')).toBe(
      'Session data holds a timestamp Python cannot read',
    );
    expect(why('91c0')).toBe('Session data is not a MessagePack map');
    expect(why('81a176' + '91'.repeat(MAX_DEPTH) + 'c0')).toBe(
      'Session data is nested deeper than 512 levels',
    );
  });

  it('reads the last nanosecond, and refuses timestamps just past the years Python holds', () => {
    const read = (hex: string) => decodeSession(Buffer.from(HEAD + hex, 'hex'), 'msgpack').data['v'];
    // 999,999,999 ns (the largest allowed): 999 ms.
    expect(read('c70cff3b9ac9ff0000000000000000')).toEqual(new Date(999));
    // Years 1 and 9999 exactly, then a second outside each.
    expect(read('c70cff00000000fffffff1886e0900')).toEqual(new Date('0001-01-01T00:00:00Z'));
    expect(() => read('c70cff00000000fffffff1886e08ff')).toThrow(BadPayload);
    expect(read('c70cff000000000000003afff4417f')).toEqual(new Date('9999-12-31T23:59:59Z'));
    expect(() => read('c70cff000000000000003afff44180')).toThrow(BadPayload);
  });

  it(`reads ${MAX_DEPTH} levels, and refuses more`, () => {
    const nested = (levels: number) => Buffer.from('81a176' + '91'.repeat(levels - 1) + 'c0', 'hex');
    expect(() => decodeSession(nested(MAX_DEPTH), 'msgpack')).not.toThrow();
    expect(() => decodeSession(nested(MAX_DEPTH + 1), 'msgpack')).toThrow(BadPayload);
  });
});

describe('what Python could not read back is refused on write', () => {
  it("refuses ints beyond msgspec.msgpack's range, and writes them in JSON, which msgspec.json reads", () => {
    for (const n of [2n ** 64n, -(2n ** 63n) - 1n]) {
      expect(() => encodeSession({ v: n }, 'msgpack')).toThrow(/msgspec holds -2\*\*63 to 2\*\*64-1/);
      expect(encodeSession({ v: n }, 'json').toString()).toBe(`{"v":${n}}`);
    }
    expect(encodeSession({ v: 2n ** 64n - 1n }, 'msgpack').toString('hex')).toBe(`${HEAD}cfffffffffffffffff`);
  });

  it.each([
    ['a lone surrogate', 'a\ud800', 'Cannot store a string with a lone surrogate for Flask-Session'],
    ['an invalid Date', new Date(NaN), 'Cannot store an invalid Date in a session'],
    [
      'a Date before year 1',
      new Date('0000-12-31T23:59:59Z'),
      "Cannot store 0000-12-31T23:59:59.000Z for Flask-Session: Python's datetime holds years 1 to 9999",
    ],
    ['a Date after year 9999', new Date('+010000-01-01T00:00:00Z'), 'holds years 1 to 9999'],
    [
      'a Map',
      new Map() as unknown as SessionValue,
      'Cannot store a Map in a session: use plain objects and arrays',
    ],
    [
      'a function',
      (() => 1) as unknown as SessionValue,
      'Cannot store a value of type function in a session',
    ],
    ['a symbol', Symbol('s') as unknown as SessionValue, 'Cannot store a value of type symbol in a session'],
  ])('refuses %s in both formats', (_, value, message) => {
    expect(() => encodeSession({ v: value }, 'msgpack')).toThrow(TypeError);
    expect(() => encodeSession({ v: value }, 'msgpack')).toThrow(message);
    expect(() => encodeSession({ v: value }, 'json')).toThrow(message);
  });

  it('refuses NaN and the infinities in JSON only (msgspec.json would write null)', () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      expect(() => encodeSession({ v: n }, 'json')).toThrow(/msgspec writes it as null/);
      expect(() => encodeSession({ v: n }, 'msgpack')).not.toThrow();
    }
  });

  it(`refuses nesting past ${MAX_DEPTH} levels, and cycles, with a TypeError`, () => {
    let deep: SessionValue = null;
    for (let i = 0; i < MAX_DEPTH - 1; i++) deep = [deep];
    expect(() => encodeSession({ v: deep }, 'msgpack')).not.toThrow();
    expect(() => encodeSession({ v: [deep] }, 'msgpack')).toThrow(/nested deeper than 512/);
    expect(() => encodeSession({ v: [deep] }, 'json')).toThrow(/nested deeper than 512/);
    let deepObject: SessionValue = null;
    for (let i = 0; i < MAX_DEPTH - 1; i++) deepObject = { a: deepObject };
    expect(() => encodeSession({ v: deepObject }, 'msgpack')).not.toThrow();
    expect(() => encodeSession({ v: { a: deepObject } }, 'msgpack')).toThrow(/nested deeper than 512/);
    expect(() => encodeSession({ v: { a: deepObject } }, 'json')).toThrow(/nested deeper than 512/);
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(() => encodeSession({ v: cycle as SessionValue }, 'msgpack')).toThrow(TypeError);
  });

  it('writes undefined array items as null and leaves undefined members out', () => {
    const data = { a: [undefined, 1], b: undefined, c: { d: undefined } } as unknown as SessionData;
    expect(encodeSession(data, 'msgpack').toString('hex')).toBe('82a16192c001a16380');
    expect(encodeSession(data, 'json').toString()).toBe('{"a":[null,1],"c":{}}');
  });
});

describe("msgspec's JSON format", () => {
  it('writes JSON msgspec.json reads as the values meant', () => {
    const data: SessionData = {
      s: 'é"\\\n😀',
      i: 7,
      f: 1.5,
      big: 2 ** 60,
      e: 1e-7,
      n: null,
      t: true,
      fa: false,
      b: new Uint8Array([0, 255]),
      d: utc(2024, 0, 2, 3, 4, 5, 123),
      d0: utc(2024, 0, 2, 3, 4, 5),
      u: new Uuid('12345678123456781234567812345678'),
      l: [1, [2]],
      o: { a: -0, b: { c: 1, d: 2 } },
      bi: 2n ** 64n - 1n,
    };
    expect(encodeSession(data, 'json').toString('utf8')).toBe(
      '{"s":"é\\"\\\\\\n😀","i":7,"f":1.5,"big":1.152921504606847e+18,"e":1e-07,"n":null,"t":true,' +
        '"fa":false,"b":"AP8=","d":"2024-01-02T03:04:05.123000Z","d0":"2024-01-02T03:04:05Z",' +
        '"u":"12345678-1234-5678-1234-567812345678","l":[1,[2]],"o":{"a":0,"b":{"c":1,"d":2}},"bi":18446744073709551615}',
    );
  });

  it('writes a whole float past 1e16 with a fraction or exponent, so Python reads a float', () => {
    expect(encodeSession({ v: 1e16 }, 'json').toString()).toBe('{"v":1e+16}');
    expect(encodeSession({ v: 1.5e300 }, 'json').toString()).toBe('{"v":1.5e+300}');
  });

  it('reads what msgspec.json writes, ints past 2**53 exactly', () => {
    const text = '{"a":[1.5,1.152921504606847e18,-0.0,18446744073709551615],"b":{"c":"AP8="}}';
    const { data, format } = decodeSession(Buffer.from(text), 'json');
    expect(format).toBe('json');
    expect(data).toEqual({ a: [1.5, 2 ** 60, -0, 2n ** 64n - 1n], b: { c: 'AP8=' } });
  });

  it.each([
    ['not JSON', 'nope'],
    ['an array', '[1]'],
    ['invalid UTF-8', '\xff'],
  ])('refuses %s with BadPayload', (_, text) => {
    expect(() => decodeSession(Buffer.from(text, 'latin1'), 'json')).toThrow(BadPayload);
  });

  it('writes dates as msgspec.json does: microseconds when not zero, Z', () => {
    expect(rfc3339(new Date('0001-01-01T00:00:00Z'))).toBe('0001-01-01T00:00:00Z');
    expect(rfc3339(utc(2024, 0, 2, 3, 4, 5, 7))).toBe('2024-01-02T03:04:05.007000Z');
  });
});

describe('either format reads the other, as Flask-Session does', () => {
  it('reads JSON when MessagePack is expected, and MessagePack when JSON is', () => {
    expect(decodeSession(Buffer.from('{"a":1}'), 'msgpack')).toMatchObject({
      data: { a: 1 },
      format: 'json',
    });
    expect(decodeSession(Buffer.from('81a16101', 'hex'), 'json')).toMatchObject({
      data: { a: 1 },
      format: 'msgpack',
    });
  });

  it("reports the expected format's error when neither reads it (e.g. Flask-Session's old pickle)", () => {
    const pickle = Buffer.from('80049505000000000000007d942e', 'hex');
    expect(() => decodeSession(pickle, 'msgpack')).toThrow('Session data has bytes after its end');
    expect(() => decodeSession(Buffer.from('[1]'), 'json')).toThrow(/JSON object/);
  });
});

describe('keys left unchanged are written back as read', () => {
  it('keeps the bytes of values equal to those read, and writes the others anew', () => {
    // {"one": 1.0, "k": {1: "a"}, "n": 1}, as msgspec writes it.
    const stored = Buffer.from('83a36f6e65cb3ff0000000000000a16b8101a161a16e01', 'hex');
    const previous = decodeSession(stored, 'msgpack');
    expect(previous.data).toEqual({ one: 1, k: { '1': 'a' }, n: 1 });
    const next = encodeSession({ ...previous.data, n: 2 }, 'msgpack', previous);
    expect(next.toString('hex')).toBe('83a36f6e65cb3ff0000000000000a16b8101a161a16e02');
    // Changed: written as this codec writes it.
    const changed = encodeSession({ ...previous.data, one: 2, k: { '1': 'b' } }, 'msgpack', previous);
    expect(changed.toString('hex')).toBe('83a36f6e6502a16b81a131a162a16e01');
  });

  it('keeps JSON members too, but not across formats', () => {
    const previous = decodeSession(Buffer.from('{"f":1.0,"g":2}'), 'json');
    expect(encodeSession(previous.data, 'json', previous).toString()).toBe('{"f":1.0,"g":2}');
    expect(encodeSession(previous.data, 'msgpack', previous).toString('hex')).toBe('82a16601a16702');
  });

  it('compares as TypeScript sees values: bytes by content, dates by time, objects by keys in order', () => {
    const same: [unknown, unknown][] = [
      [NaN, NaN],
      [new Uint8Array([1]), new Uint8Array([1])],
      [new Date(5), new Date(5)],
      [new Uuid('12345678123456781234567812345678'), new Uuid('12345678-1234-5678-1234-567812345678')],
      [{ a: 1, b: undefined }, { a: 1 }],
      [
        [1, [2]],
        [1, [2]],
      ],
    ];
    const different: [unknown, unknown][] = [
      [0, -0],
      [1, '1'],
      [null, {}],
      [[1], { 0: 1 }],
      [[1], [1, 2]],
      [new Uint8Array([1]), [1]],
      [new Date(5), 5],
      [new Date(5), new Date(6)],
      [new Uuid('12345678123456781234567812345678'), '12345678-1234-5678-1234-567812345678'],
      [
        { a: 1, b: 2 },
        { b: 2, a: 1 },
      ],
      [{ a: 1 }, { a: 1, b: 2 }],
      [{ a: 1 }, { a: 2 }],
      [new Map(), new Map()],
      [
        [1, 2],
        [1, 3],
      ],
      [new Uint8Array([1]), new Uint8Array([2])],
      [new Uint8Array([1]), { 0: 1 }],
      [new Date(5), {}],
      [new Uuid('12345678123456781234567812345678'), new Uuid('12345678123456781234567812345679')],
      [new Uuid('12345678123456781234567812345678'), {}],
      [{ a: 1 }, { b: 1 }],
      [{ a: 1 }, null],
    ];
    for (const [a, b] of same) expect([a, b, sameValue(a, b)]).toEqual([a, b, true]);
    for (const [a, b] of different) {
      expect([a, b, sameValue(a, b)]).toEqual([a, b, false]);
      expect([b, a, sameValue(b, a)]).toEqual([b, a, false]);
    }
  });
});
