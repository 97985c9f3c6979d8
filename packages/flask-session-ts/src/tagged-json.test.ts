import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { BadPayload, UnstorableValue } from './errors.js';
import {
  assertStorable,
  dumps,
  formatNumber,
  MAX_WRITE_DEPTH,
  loads,
  loadsWithSources,
  quoteString,
  Uuid,
  type SessionData,
  type SessionValue,
} from './tagged-json.js';
import { thrown } from '../test/support/thrown.js';

describe('the tuple tag " t"', () => {
  it('is read as an array', () => {
    expect(loads('{"x":{" t":[1,"a"]}}')).toEqual({ x: [1, 'a'] });
  });

  it('is never written: arrays are plain JSON arrays', () => {
    expect(dumps({ x: [1, 'a'] })).toBe('{"x":[1,"a"]}');
  });
});

describe('the bytes tag " b"', () => {
  it('writes bytes as standard base64 with padding', () => {
    expect(dumps({ x: new Uint8Array([0xfb, 0xff]) })).toBe('{"x":{" b":"+/8="}}');
  });

  it('writes only the viewed part of a Uint8Array that is a slice of a larger buffer', () => {
    expect(dumps({ x: new Uint8Array([1, 0xff, 3]).subarray(1, 2) })).toBe('{"x":{" b":"/w=="}}');
  });

  it('reads standard base64 back as a Uint8Array', () => {
    const { x } = loads('{"x":{" b":"+/8="}}');
    expect(x).toBeInstanceOf(Uint8Array);
    expect([...(x as Uint8Array)]).toEqual([0xfb, 0xff]);
  });
});

describe('the markup tag " m"', () => {
  it('is read as a plain string', () => {
    expect(loads('{"x":{" m":"<b>hi</b>"}}')).toEqual({ x: '<b>hi</b>' });
  });
});

describe('the UUID tag " u"', () => {
  it('writes a Uuid as 32 lowercase hex digits', () => {
    const uuid = new Uuid('12345678-9ABC-DEF0-1234-56789ABCDEF0');
    expect(dumps({ x: uuid })).toBe('{"x":{" u":"123456789abcdef0123456789abcdef0"}}');
  });

  it('reads 32 hex digits back as a Uuid', () => {
    const { x } = loads('{"x":{" u":"123456789abcdef0123456789abcdef0"}}');
    expect(x).toBeInstanceOf(Uuid);
    expect((x as Uuid).toString()).toBe('12345678-9abc-def0-1234-56789abcdef0');
  });

  it('refuses to make a Uuid from anything but 32 hex digits', () => {
    expect(() => new Uuid('123')).toThrow(TypeError);
    expect(() => new Uuid('g'.repeat(32))).toThrow(TypeError);
  });
});

describe('the date tag " d"', () => {
  it('writes a Date as an HTTP date in GMT, dropping the milliseconds', () => {
    const date = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(dumps({ x: date })).toBe('{"x":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}');
  });

  it('reads an HTTP date back as a Date in UTC', () => {
    expect(loads('{"x":{" d":"Tue, 02 Jan 2024 03:04:05 GMT"}}')).toEqual({
      x: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    });
  });

  it('refuses to write an invalid Date', () => {
    expect(() => dumps({ x: new Date(Number.NaN) })).toThrow(TypeError);
  });
});

describe('the dict tag " di"', () => {
  it('escapes a one-key object whose key is a tag, so it is not read as tagged', () => {
    expect(dumps({ x: { ' t': 1 } })).toBe('{"x":{" di":{" t__":1}}}');
  });

  it('escapes a session whose only key is a tag', () => {
    expect(dumps({ ' b': 'not bytes' })).toBe('{" di":{" b__":"not bytes"}}');
  });

  it('escapes a one-key object whose key is " di" itself', () => {
    expect(dumps({ x: { ' di': 1 } })).toBe('{"x":{" di":{" di__":1}}}');
  });

  it('does not escape an object with two keys, one of them a tag', () => {
    expect(dumps({ x: { ' t': 1, a: 2 } })).toBe('{"x":{" t":1,"a":2}}');
  });

  it('escapes an object left with one tag key once undefined values are dropped', () => {
    expect(dumps({ x: { ' t': 1, a: undefined } })).toBe('{"x":{" di":{" t__":1}}}');
  });

  it('is read back as the one-key object it escaped', () => {
    expect(loads('{"x":{" di":{" t__":1}}}')).toEqual({ x: { ' t': 1 } });
    expect(loads('{" di":{" b__":"not bytes"}}')).toEqual({ ' b': 'not bytes' });
  });

  it('reads a tag nested inside an escaped object', () => {
    const { x } = loads('{"x":{" di":{" t__":{" b":"/w=="}}}}') as { x: { ' t': Uint8Array } };
    expect([...x[' t']]).toEqual([0xff]);
  });
});

describe('key order', () => {
  it('sorts keys as Python does', () => {
    expect(dumps({ b: 1, a: 2, B: 3, _: 4, ' ': 5 })).toBe('{" ":5,"B":3,"_":4,"a":2,"b":1}');
  });

  it('sorts by code point, putting U+FF61 before an astral character as Python does', () => {
    expect(dumps({ '\uff61': 1, '😀': 2 })).toBe('{"\\uff61":1,"\\ud83d\\ude00":2}');
    expect(dumps({ '😀': 2, '\uff61': 1 })).toBe('{"\\uff61":1,"\\ud83d\\ude00":2}');
  });

  it('sorts astral characters among themselves by code point', () => {
    expect(dumps({ '😁': 1, '😀': 2, '\u{10000}': 3 })).toBe(
      '{"\\ud800\\udc00":3,"\\ud83d\\ude00":2,"\\ud83d\\ude01":1}',
    );
  });

  it('puts a key before the longer keys it starts', () => {
    expect(dumps({ ab: 1, a: 2, 'a😀': 3 })).toBe('{"a":2,"ab":1,"a\\ud83d\\ude00":3}');
  });
});

describe('string escaping', () => {
  it('escapes non-ASCII characters as lowercase \\uXXXX', () => {
    expect(quoteString('Zoë\u00ff\uabcd')).toBe('"Zo\\u00eb\\u00ff\\uabcd"');
  });

  it('escapes an astral character as a surrogate pair', () => {
    expect(quoteString('😀')).toBe('"\\ud83d\\ude00"');
  });

  it('escapes DEL (0x7f)', () => {
    expect(quoteString('\u007f')).toBe('"\\u007f"');
  });

  it('escapes control characters as \\u00XX, with the short forms Python uses', () => {
    expect(quoteString('\u0000\u0001\u001f')).toBe('"\\u0000\\u0001\\u001f"');
    expect(quoteString('\b\f\n\r\t')).toBe('"\\b\\f\\n\\r\\t"');
  });

  it('escapes quotes and backslashes', () => {
    expect(quoteString('"\\')).toBe('"\\"\\\\"');
  });

  it('escapes the line and paragraph separators', () => {
    expect(quoteString('\u2028\u2029')).toBe('"\\u2028\\u2029"');
  });

  it('escapes a lone surrogate', () => {
    expect(quoteString('\ud800')).toBe('"\\ud800"');
  });

  it('escapes keys the same way as values', () => {
    expect(dumps({ é: 'é' })).toBe('{"\\u00e9":"\\u00e9"}');
  });
});

describe('dumps', () => {
  it('writes compact JSON with no spaces', () => {
    expect(dumps({ a: [1, { b: null }], c: true, d: false })).toBe('{"a":[1,{"b":null}],"c":true,"d":false}');
  });

  it('leaves out keys whose value is undefined', () => {
    expect(dumps({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('writes undefined inside an array as null, as JSON.stringify does', () => {
    expect(dumps({ a: [undefined] as unknown as SessionValue })).toBe('{"a":[null]}');
  });

  it.each([
    [Number.NaN, '{"x":NaN}'],
    [Number.POSITIVE_INFINITY, '{"x":Infinity}'],
    [Number.NEGATIVE_INFINITY, '{"x":-Infinity}'],
    [2n ** 64n, '{"x":18446744073709551616}'],
    [-(2n ** 64n), '{"x":-18446744073709551616}'],
    [1n, '{"x":1}'],
  ])('writes %s as Python’s json.dumps does', (value, json) => {
    expect(dumps({ x: value })).toBe(json);
  });

  it.each([
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
  ])('refuses %s with an UnstorableValue, a TypeError', (_what, value) => {
    expect(() => dumps({ x: value as unknown as SessionValue })).toThrow(UnstorableValue);
  });

  // Regression test for a fixed bug (tagged-json.ts, writeValue → writeObject): the TSDoc of `dumps` promises a TypeError
  // for Map, but any object that is not an array, Uint8Array, Date or Uuid is written through
  // Object.keys, so a Map silently becomes `{}` and its entries are lost.
  it('refuses a Map with a TypeError instead of writing it as an empty object', () => {
    const data = { x: new Map([['a', 1]]) } as unknown as SessionData;
    expect(() => dumps(data)).toThrow(TypeError);
  });
});

describe('formatNumber', () => {
  it.each([
    [0, '0'],
    [42, '42'],
    [-7, '-7'],
    [1e15, '1000000000000000'],
    [2 ** 53 - 1, '9007199254740991'],
    [2 ** 53, '9007199254740992.0'],
    [-(2 ** 53), '-9007199254740992.0'],
    [9999999999999998, '9999999999999998.0'],
    [123.456, '123.456'],
    [-0.5, '-0.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [-1.5e-7, '-1.5e-07'],
    [1.5e16, '1.5e+16'],
    [1e16, '1e+16'],
    [1e21, '1e+21'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [5e-324, '5e-324'],
    [-0, '0'],
  ])('writes %d as Python’s repr does: %s', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
  });

  it('writes numbers that JSON.parse reads back exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        expect(JSON.parse(formatNumber(value))).toBe(Object.is(value, -0) ? 0 : value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('loads', () => {
  it.each([
    ['text that is not JSON', 'not json'],
    ['truncated JSON', '{"a":1'],
    ['an array at the top level', '[1]'],
    ['a number at the top level', '1'],
    ['null at the top level', 'null'],
    ['a string at the top level', '"a"'],
    ['a tagged tuple at the top level', '{" t":[1]}'],
    ['tagged bytes at the top level', '{" b":"/w=="}'],
    ['a tuple tag holding a number', '{"x":{" t":1}}'],
    ['a bytes tag holding a number', '{"x":{" b":1}}'],
    ['a bytes tag holding text that is not base64', '{"x":{" b":"$$$$"}}'],
    ['a bytes tag holding unpadded base64', '{"x":{" b":"/w"}}'],
    ['a markup tag holding a number', '{"x":{" m":1}}'],
    ['a UUID tag holding a number', '{"x":{" u":1}}'],
    ['a UUID tag holding "xyz"', '{"x":{" u":"xyz"}}'],
    ['a date tag holding "yesterday"', '{"x":{" d":"yesterday"}}'],
    ['a date tag holding a number', '{"x":{" d":1700000000}}'],
    ['a date tag holding an impossible hour', '{"x":{" d":"Tue, 02 Jan 2024 25:00:00 GMT"}}'],
    ['a dict tag holding a number', '{"x":{" di":1}}'],
    ['a dict tag holding an array', '{"x":{" di":["a__"]}}'],
    ['a dict tag holding an empty object', '{"x":{" di":{}}}'],
    ['a dict tag holding two keys', '{"x":{" di":{"a__":1,"b__":2}}}'],
  ])('rejects %s with BadPayload', (_what, text) => {
    expect(() => loads(text)).toThrow(BadPayload);
  });

  // Regression test for a fixed bug (tagged-json.ts, `untagged`, the " di" case): tags are undone children first, so the
  // inner `{" b": "/w=="}` is already a Uint8Array when " di" looks at it; Object.entries of a
  // one-byte Uint8Array has one entry, ["0", 255], so this loads as `{x: {"": 255}}` (and a
  // Uuid as `{x: {h: "<hex>"}}`). Flask raises here (bytes cannot be sliced as a key), which
  // itsdangerous turns into BadPayload.
  it.each([
    ['bytes', '{"x":{" di":{" b":"/w=="}}}'],
    ['a UUID', '{"x":{" di":{" u":"123456789abcdef0123456789abcdef0"}}}'],
  ])('rejects a dict tag holding %s with BadPayload', (_what, text) => {
    expect(() => loads(text)).toThrow(BadPayload);
  });

  it('keeps the parser’s error as originalError when the text is not JSON', () => {
    const error = thrown(() => loads('not json'));
    expect(error).toBeInstanceOf(BadPayload);
    expect((error as BadPayload).originalError).toBeInstanceOf(SyntaxError);
  });

  it('rejects JSON nested 10,000 deep with BadPayload instead of overflowing the stack', () => {
    const depth = 10_000;
    expect(() => loads('{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}')).toThrow(BadPayload);
    expect(() => loads('{"a":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}')).toThrow(BadPayload);
  });

  it('reads a "__proto__" key as an ordinary key without touching any prototype', () => {
    const data = loads('{"__proto__":{"polluted":true},"x":{"__proto__":{"polluted":true}}}');
    expect(Object.keys(data)).toEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(data)).toBe(null);
    expect(Object.getPrototypeOf(data.x)).toBe(Object.prototype);
    expect((data as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('reads an escaped "__proto__" key as an ordinary key without touching any prototype', () => {
    const data = loads('{"x":{" di":{"__proto____":{"polluted":true}}}}');
    const x = data.x as Record<string, unknown>;
    expect(Object.keys(x)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(x)).toBe(Object.prototype);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('writes a "__proto__" key that it read back unchanged', () => {
    const text = '{"__proto__":{"a":1},"b":2}';
    expect(dumps(loads(text))).toBe(text);
  });
});

// Keys that exercise escaping and tags as well as ordinary text.
const keyArbitrary = fc.oneof(
  fc.constantFrom(' t', ' di', ' b', ' m', ' u', ' d', 'x__', ' t__', '__proto__', '', '\uff61', '😀'),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

const sessionValueArbitrary = fc.letrec<{ value: SessionValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.uint8Array({ maxLength: 12 }),
    // Whole seconds from 1970 to 9999: what an HTTP date can carry.
    fc.integer({ min: 0, max: 253_402_300_799 }).map((seconds) => new Date(seconds * 1000)),
    fc.uuid().map((text) => new Uuid(text)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArbitrary, tie('value'), { maxKeys: 4, noNullPrototype: true }),
  ),
}));

const sessionDataArbitrary: fc.Arbitrary<SessionData> = fc.dictionary(
  keyArbitrary,
  sessionValueArbitrary.value,
  { maxKeys: 6, noNullPrototype: true },
);

describe('round trip', () => {
  it('keeps a whole number past 2^53 a number (a float to Python), not a bigint', () => {
    for (const n of [2 ** 53, -(2 ** 53), 2 ** 53 + 2, 9999999999999998, 1e16, 2 ** 60]) {
      const back = loads(dumps({ n, list: [n] }));
      expect(back, String(n)).toEqual({ n, list: [n] });
      expect(typeof (back as { n: unknown }).n).toBe('number');
    }
    expect(loads(dumps({ n: 2n ** 53n }))).toEqual({ n: 2n ** 53n });
  });

  it('reads back what it wrote, for arbitrary session data', () => {
    fc.assert(
      fc.property(sessionDataArbitrary, (data) => {
        expect(loads(dumps(data))).toEqual(data);
      }),
      { numRuns: 400 },
    );
  });

  it('writes only printable ASCII, for arbitrary session data', () => {
    fc.assert(
      fc.property(sessionDataArbitrary, (data) => {
        expect(dumps(data)).toMatch(/^[\x20-\x7e]*$/);
      }),
      { numRuns: 400 },
    );
  });
});

describe('source texts', () => {
  it('are kept by loadsWithSources for each top-level key, exactly as written', () => {
    const { data, sources } = loadsWithSources('{"a":{" t":[1,2]},"b":1.0,"c":{" m":"<b>x</b>"}}');
    expect(data).toEqual({ a: [1, 2], b: 1, c: '<b>x</b>' });
    expect([...sources]).toEqual([
      ['a', '{" t":[1,2]}'],
      ['b', '1.0'],
      ['c', '{" m":"<b>x</b>"}'],
    ]);
  });

  it('are written back by dumps for the keys given, in sorted order, the rest from their values', () => {
    const { data, sources } = loadsWithSources('{"a":{" t":[1,2]},"b":1.0}');
    expect(dumps({ ...data, c: 'new' }, sources)).toBe('{"a":{" t":[1,2]},"b":1.0,"c":"new"}');
    expect(dumps(data)).toBe('{"a":[1,2],"b":1}');
    const only = new Map([...sources].filter(([key]) => key === 'b'));
    expect(dumps(data, only)).toBe('{"a":[1,2],"b":1.0}');
  });

  it('are not kept for a session that is itself one escaped tagged dict', () => {
    const { data, sources } = loadsWithSources('{" di":{" t__":[1]}}');
    expect(data).toEqual({ ' t': [1] });
    expect(sources.size).toBe(0);
  });

  it.each([
    ['a tag holding an array', '{" t":[1]}'],
    ['a tag holding bytes', '{" b":"AA=="}'],
    ['a tag holding a UUID', '{" u":"12345678123456781234567812345678"}'],
    ['a tag holding a date', '{" d":"Thu, 01 Jan 1970 00:00:00 GMT"}'],
  ])('refuse a session that is %s: it must be an object', (_what, text) => {
    expect(() => loadsWithSources(text)).toThrow(BadPayload);
  });

  it('wrap a non-BadPayload failure while untagging in a BadPayload', () => {
    // Deeper than the untagger allows, though the parser reads it.
    const deep = '{"a":' + '['.repeat(520) + ']'.repeat(520) + '}';
    expect(() => loadsWithSources(deep)).toThrow(BadPayload);
  });
});

describe('untagging, skipped for text that cannot hold a tag', () => {
  it('still finds a tag deep inside a short session', () => {
    expect(loads('{"a":[[{"b":[{" t":[1]}]}]],"c":1}')).toEqual({ a: [[{ b: [[1]] }]], c: 1 });
  });

  it.each([
    ['a space', ' '],
    ['a tab', '\t'],
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
    ['several', ' \r\n\t '],
  ])('still finds a tag after %s between the brace and the key', (_what, space) => {
    expect(loads(`{"x":{${space}" t":[1]}}`)).toEqual({ x: [1] });
    expect(loads(`{${space}" di":{" t__":[1]}}`)).toEqual({ ' t': [1] });
  });

  it('still finds a tag whose space is written as \\u0020, which Python reads as a space too', () => {
    expect(loads('{"x":{"\\u0020t":[1]}}')).toEqual({ x: [1] });
    expect(loads('{"x":{"\\u0020d":"Thu, 01 Jan 1970 00:00:00 GMT"}}')).toEqual({ x: new Date(0) });
  });

  it('leaves a tag-named key in a two-key object, and a tag inside a string, as they are', () => {
    expect(loads('{"x":{"y":2," t":[1]},"z":{" t":[1],"w":3}}')).toEqual({
      x: { y: 2, ' t': [1] },
      z: { ' t': [1], w: 3 },
    });
    expect(loads('{"x":"{\\" t\\":[1]}","y":" t"}')).toEqual({ x: '{" t":[1]}', y: ' t' });
  });

  it('refuses the shortest text nested too deep, which holds no tag', () => {
    // {"": then 512 levels: 1,029 characters, as short as a refusal gets.
    const deepest = '{"":' + '['.repeat(512) + ']'.repeat(512) + '}';
    expect(deepest).toHaveLength(1029);
    expect(thrown(() => loadsWithSources(deepest))).toMatchObject({ reason: 'too-deep' });
    expect(loadsWithSources('{"":' + '['.repeat(511) + ']'.repeat(511) + '}').sources.size).toBe(1);
  });

  it('reads tag-free text as the walk would: the same values, and "__proto__" an ordinary key', () => {
    const { data } = loadsWithSources('{"__proto__":{"__proto__":[1]},"a":[{"b":null}]}');
    expect(Object.keys(data)).toEqual(['__proto__', 'a']);
    const inner = data['__proto__'] as Record<string, unknown>;
    expect(Object.keys(inner)).toEqual(['__proto__']);
    expect(inner['__proto__']).toEqual([1]);
    expect(Object.getPrototypeOf(inner)).toBe(Object.prototype);
    expect(data['a']).toEqual([{ b: null }]);
  });
});

describe('key order beyond the BMP', () => {
  it('sorts keys by code point, as Python does, not by UTF-16 unit', () => {
    // UTF-16 puts U+10000 (\ud800\udc00) before U+FFFF; Python puts it after.
    expect(dumps({ '\u{10000}': 1, '\uffff': 2, 'a\u{10001}': 3, 'a\u{10000}': 4, a: 5 })).toBe(
      '{"a":5,"a\\ud800\\udc00":4,"a\\ud800\\udc01":3,"\\uffff":2,"\\ud800\\udc00":1}',
    );
  });

  it('puts a key before a longer key it begins, and keeps equal astral prefixes apart by what follows', () => {
    expect(dumps({ '\u{10000}b': 1, '\u{10000}': 2, '\u{10000}a': 3 })).toBe(
      '{"\\ud800\\udc00":2,"\\ud800\\udc00a":3,"\\ud800\\udc00b":1}',
    );
  });

  it('writes negative zero as 0, the integer Python reads back equal', () => {
    expect(dumps({ x: -0 })).toBe('{"x":0}');
  });
});

// Expected texts from Flask 2.2: json.dumps(TaggedJSONSerializer().tag(value), separators=(",", ":"), sort_keys=True).
describe('the native JSON.stringify path of dumps', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes each plain ASCII value whose keys are in order with one native call', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const data = {
      z: { x: 'q', y: [1, { a: null, b: true }] },
      a: [[], {}],
      m: 0.5,
      gone: undefined,
      w: { b: 1, a: [2] },
    };
    expect(dumps(data)).toBe(
      '{"a":[[],{}],"m":0.5,"w":{"a":[2],"b":1},"z":{"x":"q","y":[1,{"a":null,"b":true}]}}',
    );
    expect(stringify).toHaveBeenCalledWith(data.z);
    expect(stringify).toHaveBeenCalledWith(data.a);
    // Keys out of order: written (sorted) by the tagged writer.
    expect(stringify).not.toHaveBeenCalledWith(data.w);
  });

  it('writes a whole plain session whose keys are in order with one native call', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const data = { _permanent: true, csrf_token: 'abc', portfolio: [['AAPL', '10', '150.5']], theme: 'dark' };
    expect(dumps(data)).toBe(
      '{"_permanent":true,"csrf_token":"abc","portfolio":[["AAPL","10","150.5"]],"theme":"dark"}',
    );
    expect(dumps(data, new Map())).toBe(dumps(data));
    expect(stringify.mock.calls).toEqual([[data], [data], [data]]);
  });

  it('writes a session that is one tag-like key through the escape, not natively', () => {
    expect(dumps({ ' t': [1] })).toBe('{" di":{" t__":[1]}}');
  });

  it('writes a key that has no source natively, while the others are written verbatim', () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const fresh = { a: 'x', b: [2] };
    expect(dumps({ kept: { x: 1 }, fresh }, new Map([['kept', '{"x":1.0}']]))).toBe(
      '{"fresh":{"a":"x","b":[2]},"kept":{"x":1.0}}',
    );
    expect(stringify).toHaveBeenCalledWith(fresh);
  });

  it.each<[string, SessionData, string]>([
    [
      'numbers Python writes in exponent form',
      { a: { n: 1e16, m: [1e-5, 0.0001, 2.5e-3, 123.25, -7] } },
      '{"a":{"m":[1e-05,0.0001,0.0025,123.25,-7],"n":1e+16}}',
    ],
    ['non-finite numbers', { a: [NaN, Infinity, -Infinity] }, '{"a":[NaN,Infinity,-Infinity]}'],
    ['an integer beyond 2^53', { a: { b: [2n ** 64n] } }, '{"a":{"b":[18446744073709551616]}}'],
    ['DEL in a nested string', { a: { b: 'x\x7fy' } }, '{"a":{"b":"x\\u007fy"}}'],
    [
      'a non-ASCII string nested in an array',
      { a: [['ü', '\u{1f600}']] },
      '{"a":[["\\u00fc","\\ud83d\\ude00"]]}',
    ],
    [
      'integer-like keys, which JavaScript enumerates in numeric order',
      { a: { 9: 2, 10: 1 } },
      '{"a":{"10":1,"9":2}}',
    ],
    ['a non-ASCII key in a nested object', { a: [{ é: 1, b: 2 }] }, '{"a":[{"b":2,"\\u00e9":1}]}'],
    [
      'nested one-key objects whose key is a tag',
      { a: [{ ' t': 1 }], b: { c: { ' m': 'x' } } },
      '{"a":[{" di":{" t__":1}}],"b":{"c":{" di":{" m__":"x"}}}}',
    ],
  ])('still writes %s exactly as Flask does', (_, data, expected) => {
    expect(dumps(data)).toBe(expected);
  });

  it('takes the tagged path for bytes, dates and UUIDs nested in plain data', () => {
    const data = {
      a: [{ b: new Uint8Array([255]) }],
      d: { at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)) },
      u: [new Uuid('12345678123456781234567812345678')],
    };
    expect(dumps(data)).toBe(
      '{"a":[{"b":{" b":"/w=="}}],"d":{"at":{" d":"Fri, 02 Jan 2026 03:04:05 GMT"}},"u":[{" u":"12345678123456781234567812345678"}]}',
    );
  });

  it('never writes an inherited "__proto__" for objects that lack one', () => {
    const data = JSON.parse('{"a":{"__proto__":{"x":1}},"b":{"y":2}}') as SessionData;
    expect(dumps(data)).toBe('{"a":{"__proto__":{"x":1}},"b":{"y":2}}');
  });
});

describe('refusals say what was wrong', () => {
  const refusal = (text: string) => thrown(() => loads(text)) as BadPayload;

  it.each([
    ['{"x":{" t":1}}', 'Tuple tag " t" must hold an array'],
    ['{"x":{" b":1}}', 'Bytes tag " b" must hold base64'],
    ['{"x":{" b":"***"}}', 'Bytes tag " b" must hold base64'],
    ['{"x":{" b":["AAAA"]}}', 'Bytes tag " b" must hold base64'],
    ['{"x":{" m":1}}', 'Markup tag " m" must hold a string'],
    ['{"x":{" u":1}}', 'UUID tag " u" must hold a string'],
    ['{"x":{" u":"zz"}}', 'UUID tag " u" must hold 32 hex digits'],
    ['{"x":{" d":1}}', 'Date tag " d" must hold an HTTP date'],
    ['{"x":{" d":"Tue, 31 Feb 2026 00:00:00 GMT"}}', 'Date tag " d" must hold an HTTP date'],
    ['{"x":{" di":1}}', 'Dict tag " di" must hold a one-key object'],
    ['{"x":{" di":null}}', 'Dict tag " di" must hold a one-key object'],
    ['{"x":{" di":[1]}}', 'Dict tag " di" must hold a one-key object'],
    ['{"x":{" di":{"a__":1,"b__":2}}}', 'Dict tag " di" must hold a one-key object'],
    ['{" t":[1]}', 'Session payload must be a JSON object'],
  ])('%s: %s', (text, message) => {
    const error = refusal(text);
    expect(error).toBeInstanceOf(BadPayload);
    expect(error.message).toBe(message);
  });

  it('keeps why a UUID could not be made', () => {
    expect(refusal('{"x":{" u":"zz"}}').originalError).toMatchObject({ message: 'Not a UUID: "zz"' });
  });

  it('reads nesting 511 deep inside a value, and refuses 512 with the limit in the message', () => {
    const nested = (depth: number) => '{"a":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    expect(() => loads(nested(511))).not.toThrow();
    expect(refusal(nested(512)).message).toBe('Session payload is nested deeper than 512 levels');
  });

  it('reads an escaped key as an ordinary property the app can change', () => {
    const value = loads('{"x":{" di":{" t__":1}}}')['x'] as object;
    expect(Object.getOwnPropertyDescriptor(value, ' t')).toEqual({
      value: 1,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
});

/** `leaf` inside `depth` containers made by `wrap`. */
function nestedIn(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown = 0): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = wrap(value);
  return value;
}

class Point {
  constructor(readonly x: number) {}
}

describe('writing refusals say what cannot be stored, where and why', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  it.each<[string, unknown, string, string, string]>([
    [
      'an invalid Date',
      new Date(NaN),
      'invalid-date',
      'x',
      'Cannot store an invalid Date at x: the Date is invalid (its time is NaN).',
    ],
    [
      'a Map',
      new Map(),
      'unsupported-type',
      'x',
      'Cannot store a Map at x: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a Set inside an array',
      [1, new Set([1])],
      'unsupported-type',
      'x[1]',
      'Cannot store a Set at x[1]: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a class instance inside an object',
      { p: new Point(1) },
      'unsupported-type',
      'x.p',
      'Cannot store a Point at x.p: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a function',
      () => 1,
      'unsupported-type',
      'x',
      'Cannot store a function at x: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a symbol',
      Symbol('s'),
      'unsupported-type',
      'x',
      'Cannot store a symbol at x: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a boxed string',
      new String('s'),
      'unsupported-type',
      'x',
      'Cannot store a String at x: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'an object with toJSON',
      { toJSON: () => 'x' },
      'unsupported-type',
      'x.toJSON',
      'Cannot store a function at x.toJSON: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'an Int8Array',
      new Int8Array(2),
      'unsupported-type',
      'x',
      'Cannot store a Int8Array at x: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      'a cycle',
      cyclic,
      'cycle',
      'x.self',
      'Cannot store an object that contains itself at x.self: the value contains itself (a cycle).',
    ],
    [
      'an object without a prototype chain to a class',
      { a: [{ 'odd key': Object.create(Object.create(null) as object) as object }] },
      'unsupported-type',
      'x.a[0]["odd key"]',
      'Cannot store an object of unknown class at x.a[0]["odd key"]: a session holds null, booleans, numbers, bigints, strings, Uint8Array, valid Dates, Uuid, arrays and plain objects.',
    ],
    [
      `lists nested ${MAX_WRITE_DEPTH + 1} deep`,
      nestedIn(MAX_WRITE_DEPTH + 1, (v) => [v]),
      'too-deep',
      'x' + '[0]'.repeat(MAX_WRITE_DEPTH),
      `Cannot store a value at x${'[0]'.repeat(MAX_WRITE_DEPTH)}: it is nested deeper than 128 levels, which Flask cannot read back.`,
    ],
  ])('%s, both when written and when set', (_, value, reason, path, message) => {
    for (const error of [
      thrown(() => dumps({ ok: 1, x: value } as SessionData)),
      thrown(() => assertStorable('x', value)),
    ]) {
      expect(error).toBeInstanceOf(UnstorableValue);
      expect(error).toBeInstanceOf(TypeError);
      expect(error).toMatchObject({ name: 'UnstorableValue', key: 'x', reason, path, message });
    }
  });

  it('refuses a Map as the whole session, naming no key', () => {
    const error = thrown(() => dumps(new Map() as unknown as SessionData));
    expect(error).toMatchObject({
      name: 'UnstorableValue',
      key: undefined,
      path: '',
      reason: 'unsupported-type',
    });
    expect((error as Error).message).toMatch(/^Cannot store a Map as the session: /);
  });

  it('refuses a session that contains itself as a cycle', () => {
    const data: Record<string, unknown> = {};
    data.me = { back: data };
    expect(thrown(() => dumps(data as SessionData))).toMatchObject({
      reason: 'cycle',
      key: 'me',
      path: 'me.back',
    });
  });

  it('refuses a cycle through an array, not with a stack overflow', () => {
    const list: unknown[] = [1];
    list.push(list);
    expect(thrown(() => dumps({ l: list } as SessionData))).toMatchObject({ reason: 'cycle', path: 'l[1]' });
  });

  it('writes the same object twice when it is shared, not cyclic', () => {
    const shared = { n: 1 };
    expect(dumps({ a: [shared, shared] })).toBe('{"a":[{"n":1},{"n":1}]}');
    expect(() => assertStorable('a', [shared, shared])).not.toThrow();
  });

  it.each([
    ['lists', (v: unknown) => [v]],
    ['objects', (v: unknown) => ({ k: v })],
    ['objects with a non-ASCII key (the tagged writer)', (v: unknown) => ({ ké: v })],
  ])(`writes %s nested ${MAX_WRITE_DEPTH} deep, and reads them back`, (_, wrap) => {
    const value = nestedIn(MAX_WRITE_DEPTH, wrap) as SessionValue;
    expect(() => assertStorable('x', value)).not.toThrow();
    expect(loads(dumps({ x: value }))).toEqual({ x: value });
    const deeper = nestedIn(MAX_WRITE_DEPTH + 1, wrap);
    expect(thrown(() => dumps({ x: deeper } as SessionData))).toMatchObject({ reason: 'too-deep' });
    expect(thrown(() => assertStorable('x', deeper))).toMatchObject({ reason: 'too-deep' });
  });

  it('counts the object a tagged value is written in as a level', () => {
    const bytesAt = (depth: number) => nestedIn(depth - 1, (v) => [v], new Uint8Array([1]));
    expect(dumps({ x: bytesAt(MAX_WRITE_DEPTH) } as SessionData)).toContain('{" b":"AQ=="}');
    expect(thrown(() => dumps({ x: bytesAt(MAX_WRITE_DEPTH + 1) } as SessionData))).toMatchObject({
      reason: 'too-deep',
    });
    expect(thrown(() => assertStorable('x', bytesAt(MAX_WRITE_DEPTH + 1)))).toMatchObject({
      reason: 'too-deep',
    });
    const dateAt = nestedIn(MAX_WRITE_DEPTH, (v) => [v], new Date(0));
    expect(thrown(() => assertStorable('x', dateAt))).toMatchObject({ reason: 'too-deep' });
  });

  it('counts an escaped one-key object as two levels', () => {
    // {" t": v} is written {" di": {" t__": v}}: v sits two levels below the object.
    // The innermost container, [0], at `depth`: the escaped object is at depth - 2, under depth - 3 lists.
    const escapedAt = (depth: number) => nestedIn(depth - 3, (v) => [v], { ' t': [0] });
    expect(dumps({ x: escapedAt(MAX_WRITE_DEPTH) } as SessionData)).toContain('{" di":{" t__":[0]}}');
    expect(thrown(() => dumps({ x: escapedAt(MAX_WRITE_DEPTH + 1) } as SessionData))).toMatchObject({
      reason: 'too-deep',
    });
    expect(thrown(() => assertStorable('x', escapedAt(MAX_WRITE_DEPTH + 1)))).toMatchObject({
      reason: 'too-deep',
    });
    // The whole session as one tag-named key is escaped too.
    const top = nestedIn(MAX_WRITE_DEPTH, (v) => [v]);
    expect(thrown(() => dumps({ ' t': top } as SessionData))).toMatchObject({
      reason: 'too-deep',
      key: ' t',
    });
    expect(dumps({ ' t': nestedIn(MAX_WRITE_DEPTH - 1, (v) => [v]) } as SessionData)).toMatch(/^\{" di":/);
  });

  it('writes a key unchanged since it was read verbatim, however deep', () => {
    const text = `{"x":${'['.repeat(300)}0${']'.repeat(300)}}`;
    const { data, sources } = loadsWithSources(text);
    expect(dumps({ ...data, y: 1 }, sources)).toBe(text.slice(0, -1) + ',"y":1}');
  });

  it('accepts undefined as a member (left out) and as an item (null)', () => {
    expect(dumps({ a: { b: undefined, c: 1 }, d: [undefined, 2] } as SessionData)).toBe(
      '{"a":{"c":1},"d":[null,2]}',
    );
    expect(() => assertStorable('a', undefined)).not.toThrow();
  });

  it('names a key that is not an identifier in brackets', () => {
    expect(thrown(() => assertStorable('my key', [new Map()]))).toMatchObject({ path: '["my key"][0]' });
  });

  it('refuses anything but 32 hex digits as a Uuid, at either end', () => {
    const hex = '12345678123456781234567812345678';
    expect(() => new Uuid(`x${hex}`)).toThrow(new TypeError(`Not a UUID: "x${hex}"`));
    expect(() => new Uuid(`${hex}0`)).toThrow(TypeError);
  });
});

describe('code point order of keys with astral characters', () => {
  const order = (keys: string[]) => Object.keys(loads(dumps(Object.fromEntries(keys.map((k) => [k, 1])))));

  it('puts a key before the same key with a NUL after it, in either insertion order', () => {
    const [short, long] = ['\u{1f600}', '\u{1f600}\u0000'];
    expect(order([long, short])).toEqual([short, long]);
    expect(order([short, long])).toEqual([short, long]);
  });

  it('steps over BMP characters one unit at a time, U+FFFF included, whatever the insertion order', () => {
    // The sort compares in an order that depends on the input's: try every insertion order.
    const permutations = <T>(items: T[]): T[][] =>
      items.length <= 1
        ? [items]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
          );
    for (const sorted of [
      ['xa', 'xb', '\u{1f600}'],
      ['a\uffffb', 'a\uffffc', '\u{1f600}'],
      ['\u{1f600}', '\u{1f600}\u0000', '\u{1f600}a'],
    ]) {
      for (const keys of permutations(sorted)) expect(order(keys)).toEqual(sorted);
    }
  });
});

describe('what the storable check accepts, as the writer does', () => {
  it('accepts every kind of value a session holds, at the call site', () => {
    const values: unknown[] = [
      null,
      true,
      1.5,
      2n ** 64n,
      'text',
      new Uint8Array([1]),
      Buffer.from('ab'),
      new Date(0),
      new Uuid('12345678123456781234567812345678'),
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      Object.create(null) as object,
      { nested: { list: [new Date(0), new Uint8Array([2]), null] } },
    ];
    for (const value of values) expect(() => assertStorable('x', value)).not.toThrow();
    expect(() => dumps({ all: values } as SessionData)).not.toThrow();
  });

  it('names the key that was refused, not a deeper one written verbatim', () => {
    const deep = `${'['.repeat(300)}0${']'.repeat(300)}`;
    const { data, sources } = loadsWithSources(`{"deep":${deep}}`);
    const error = thrown(() => dumps({ ...data, m: new Map() } as unknown as SessionData, sources));
    expect(error).toMatchObject({ name: 'UnstorableValue', key: 'm', reason: 'unsupported-type' });
  });

  it('counts a tag-named top-level key two levels down only when it is the only key', () => {
    const atMax = nestedIn(MAX_WRITE_DEPTH, (v) => [v]);
    // Two keys: " t" is written as is, so the Map is what is refused.
    const error = thrown(() => dumps({ ' t': atMax, m: new Map() } as unknown as SessionData));
    expect(error).toMatchObject({ key: 'm', reason: 'unsupported-type' });
    // An undefined sibling is not written: " t" is then escaped, and too deep.
    const alone = thrown(() => dumps({ ' t': atMax, gone: undefined } as SessionData));
    expect(alone).toMatchObject({ key: ' t', reason: 'too-deep' });
  });

  it('counts an escaped object two levels down only when its tag key is its only written key', () => {
    // [0] at MAX_WRITE_DEPTH + 1 if the object were escaped, at MAX_WRITE_DEPTH if not.
    const withSibling = nestedIn(MAX_WRITE_DEPTH - 2, (v) => [v], { ' t': [0], b: 1 });
    expect(() => assertStorable('x', withSibling)).not.toThrow();
    expect(() => dumps({ x: withSibling } as SessionData)).not.toThrow();
    const withUndefined = nestedIn(MAX_WRITE_DEPTH - 2, (v) => [v], { ' t': [0], b: undefined });
    expect(thrown(() => assertStorable('x', withUndefined))).toMatchObject({ reason: 'too-deep' });
    expect(thrown(() => dumps({ x: withUndefined } as SessionData))).toMatchObject({ reason: 'too-deep' });
  });

  it('says where in an array the refused value is', () => {
    expect(thrown(() => assertStorable('list', [0, 1, [2, new WeakMap()]]))).toMatchObject({
      path: 'list[2][1]',
      message: expect.stringMatching(/^Cannot store a WeakMap at list\[2\]\[1\]: /) as unknown,
    });
  });

  it('describes an object whose class has no name', () => {
    const anonymous = new (class {
      readonly n = 1;
    })();
    expect((thrown(() => assertStorable('x', anonymous)) as Error).message).toMatch(
      /^Cannot store an object of unknown class at x: /,
    );
  });
});
