import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadPayload } from './errors.js';
import { objectMembers, parsePythonJson } from './python-json.js';

function rejection(text: string, parse: (text: string) => unknown = parsePythonJson): BadPayload {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof BadPayload) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} was accepted`);
}

describe('parsePythonJson', () => {
  it('reads NaN, Infinity and -Infinity where Python writes them', () => {
    const value = parsePythonJson('{"a":NaN,"b":[Infinity,-Infinity],"c":-1}');
    expect(value).toEqual({ a: Number.NaN, b: [Infinity, -Infinity], c: -1 });
  });

  it('reads integers beyond 2^53 exactly, as bigint, and the rest as numbers', () => {
    expect(parsePythonJson('[9007199254740991,9007199254740992,-9007199254740993]')).toEqual([
      9007199254740991,
      9007199254740992n,
      -9007199254740993n,
    ]);
    expect(parsePythonJson('[123456789012345678901234567890, 1e400, 0.30000000000000004]')).toEqual([
      123456789012345678901234567890n,
      Infinity,
      0.30000000000000004,
    ]);
  });

  it('keeps a float written with a fraction or exponent a number, however large', () => {
    expect(parsePythonJson('[1e+16, 12345678901234567.0, 1.5E+20]')).toEqual([
      1e16, 12345678901234568, 1.5e20,
    ]);
  });

  it('reads every other JSON value as JSON.parse does, with whitespace anywhere', () => {
    const text =
      ' { "s" : "a\\"b\\\\\\u00e9" , "t" : true , "f" : false , "n" : null , "o" : { } , "l" : [ ] , "x": NaN } ';
    expect(parsePythonJson(text)).toEqual({ s: 'a"b\\é', t: true, f: false, n: null, o: {}, l: [], x: NaN });
  });

  it('keeps a "__proto__" key as an ordinary key on the tolerant path too', () => {
    const value = parsePythonJson('{"__proto__":{"polluted":NaN}}') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  it.each([
    ['text after the value', '[NaN] x'],
    ['an unterminated string', '[NaN, "abc'],
    ['a bad escape', '[NaN, "\\q"]'],
    ['a missing comma', '[NaN 1]'],
    ['a trailing comma', '[NaN,]'],
    ['a missing colon', '{"a" NaN}'],
    ['a key that is not a string', '{a: NaN}'],
    ['nan in lowercase', '[nan]'],
    ['a lone minus', '[NaN, -]'],
    ['an unclosed object', '{"a":NaN'],
    ['an unclosed array', '[NaN'],
    ['nothing', ''],
  ])('refuses %s with BadPayload carrying a SyntaxError', (_what, text) => {
    const error = rejection(text);
    expect(error.originalError).toBeInstanceOf(SyntaxError);
    expect(error.message).toMatch(/^Session payload is not valid JSON/);
  });

  it.each([
    ['[NaN] x', 'unexpected text after the value at offset 6'],
    ['[NaN, ?]', 'expected a value at offset 6'],
    ['{NaN: 1}', 'expected a string at offset 1'],
    ['{"a": NaN, "b', 'unterminated string at offset 11'],
    ['[NaN, 1', 'expected "]" at offset 7'],
  ])('says where %j goes wrong', (text, message) => {
    const error = rejection(text);
    expect(error.message).toBe(`Session payload is not valid JSON: ${message}`);
    expect((error.originalError as SyntaxError).message).toBe(message);
  });

  it('refuses nesting deeper than 512 levels, and reads 512', () => {
    const nested = (depth: number) => '['.repeat(depth) + 'NaN' + ']'.repeat(depth);
    expect(() => parsePythonJson(nested(512))).not.toThrow();
    expect(rejection(nested(513)).message).toContain('nested deeper than 512 levels');
  });
});

describe('objectMembers', () => {
  it('gives each member with its value and its text exactly as written, in order', () => {
    expect(objectMembers('{"b":{" t":[1,2]},"a":1.0, "c" :  [Infinity] }')).toEqual([
      ['b', { ' t': [1, 2] }, '{" t":[1,2]}'],
      ['a', 1, '1.0'],
      ['c', [Infinity], '[Infinity]'],
    ]);
  });

  it('gives no members for an empty object', () => {
    expect(objectMembers(' {} ')).toEqual([]);
  });

  it.each([
    ['an array', '[1]'],
    ['a string', '"a"'],
    ['text after the object', '{"a":1} {}'],
    ['an unclosed object', '{"a":1'],
  ])('refuses %s', (_what, text) => {
    expect(rejection(text, objectMembers)).toBeInstanceOf(BadPayload);
  });
});

describe('the two paths of objectMembers', () => {
  it('agree: the native parse with a scan, and the tolerant parser, give the same members and texts', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), fc.boolean(), (data, spaced) => {
        // Keys are sorted and unique, as Flask writes them; spaces exercise the trimming.
        const text = JSON.stringify(data, null, spaced ? 1 : undefined);
        // Long digit runs are read as bigint on purpose (tested above); JSON.parse is no reference for them.
        fc.pre(!/\d{16}/.test(text));
        const fast = objectMembers(text);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        expect(fast.map(([key]) => key)).toEqual(Object.keys(parsed));
        for (const [key, value, source] of fast) {
          expect(value).toEqual(parsed[key]);
          expect(JSON.parse(source)).toEqual(parsed[key]);
        }
        // A NaN member sends the same text down the tolerant path.
        const tolerant = objectMembers(
          text.replace(/^\{/, Object.keys(data).length > 0 ? '{"~":NaN,' : '{"~":NaN'),
        );
        expect(tolerant.slice(1)).toEqual(fast);
        if (!spaced) {
          const rebuilt = '{' + fast.map(([key, , src]) => `${JSON.stringify(key)}:${src}`).join(',') + '}';
          expect(rebuilt).toBe(text);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('details of both paths', () => {
  it('refuses text the native parser rejects with the parser’s SyntaxError', () => {
    const error = rejection('{"a":');
    expect(error.message).toBe('Session payload is not valid JSON');
    expect(error.originalError).toBeInstanceOf(SyntaxError);
  });

  it('says a top-level value that is not an object must be one', () => {
    const error = rejection('[1]', objectMembers);
    expect(error.message).toBe('Session payload must be a JSON object');
    expect((error.originalError as SyntaxError).message).toBe('expected "{"');
  });

  it('keeps string values apart from the keys that follow them', () => {
    expect(objectMembers('{"a":"x","b":"y"}')).toEqual([
      ['a', 'x', '"x"'],
      ['b', 'y', '"y"'],
    ]);
  });

  it('reads keys with escapes, and keys without them as written', () => {
    const text = String.raw`{"a\"b":1,"\u00e9\ud83d\ude00":2,"c\\":3,"é":4,"\/":5,"plain key":6}`;
    expect(objectMembers(text).map(([key]) => key)).toEqual(['a"b', 'é😀', 'c\\', 'é', '/', 'plain key']);
  });

  it('counts nested objects against the nesting limit on the tolerant path', () => {
    const nested = (depth: number) => '{"a":'.repeat(depth) + 'NaN' + '}'.repeat(depth);
    expect(() => parsePythonJson(nested(100))).not.toThrow();
    expect(rejection(nested(600)).message).toContain('nested deeper than 512 levels');
  });

  it('makes ordinary, changeable properties on the tolerant path', () => {
    const value = parsePythonJson('{"a": NaN}') as object;
    expect(Object.getOwnPropertyDescriptor(value, 'a')).toEqual({
      value: NaN,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
});
