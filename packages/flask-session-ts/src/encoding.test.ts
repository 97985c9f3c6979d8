import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { base64UrlDecode, base64UrlEncode, bytesToInt, intToBytes, unpaddedBase64Url } from './encoding.js';
import { BadData } from './errors.js';

describe('base64UrlEncode', () => {
  it('uses the URL-safe alphabet, "-" and "_" instead of "+" and "/"', () => {
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
  });

  it('leaves out the "=" padding', () => {
    expect(base64UrlEncode(new Uint8Array([0xff]))).toBe('_w');
    expect(base64UrlEncode(new Uint8Array([0xff, 0xff]))).toBe('__8');
  });

  it('encodes a string as its UTF-8 bytes', () => {
    expect(base64UrlEncode('Zoë')).toBe(base64UrlEncode(new Uint8Array([0x5a, 0x6f, 0xc3, 0xab])));
  });

  it('encodes only the viewed part of a Uint8Array that is a slice of a larger buffer', () => {
    const whole = new Uint8Array([1, 2, 3, 0xff, 5]);
    expect(base64UrlEncode(whole.subarray(3, 4))).toBe('_w');
  });

  it('encodes no bytes as the empty string', () => {
    expect(base64UrlEncode(new Uint8Array(0))).toBe('');
  });
});

describe('base64UrlDecode', () => {
  it('decodes input without padding', () => {
    expect([...base64UrlDecode('_w')]).toEqual([0xff]);
  });

  it('decodes input with its padding', () => {
    expect([...base64UrlDecode('_w==')]).toEqual([0xff]);
    expect([...base64UrlDecode('__8=')]).toEqual([0xff, 0xff]);
  });

  it('decodes the empty string to no bytes', () => {
    expect(base64UrlDecode('')).toHaveLength(0);
  });

  it.each([
    ['"+" from the standard alphabet', '+w'],
    ['"/" from the standard alphabet', '/w'],
    ['a space', '_w _'],
    ['"*"', 'ab*d'],
    ['a non-ASCII letter', 'abçd'],
    ['an astral character', 'ab😀'],
    ['"=" in the middle', 'a=bc'],
    ['three "=" of padding', 'AA==='],
  ])('rejects %s with BadData', (_what, text) => {
    expect(() => base64UrlDecode(text)).toThrow(BadData);
  });

  it.each(['A', 'AAAAA', 'AAAAAAAAA', 'A=', 'AAAAA=='])(
    'rejects %j, whose length (4n+1 without padding) no encoder produces, with BadData',
    (text) => {
      expect(() => base64UrlDecode(text)).toThrow(BadData);
    },
  );

  it.each([
    ['AB', 'AA'],
    ['_x', '_w'],
    ['AAB', 'AAA'],
    ['__9', '__8'],
  ])('rejects %j, a non-canonical spelling of %j, with BadData', (nonCanonical, canonical) => {
    expect(() => base64UrlDecode(canonical)).not.toThrow();
    expect(() => base64UrlDecode(nonCanonical)).toThrow(BadData);
  });

  it('gives back any bytes that were encoded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect([...base64UrlDecode(base64UrlEncode(bytes))]).toEqual([...bytes]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('intToBytes', () => {
  it('writes 0 as no bytes at all', () => {
    expect(intToBytes(0)).toHaveLength(0);
  });

  it('writes big-endian bytes without leading zeros', () => {
    expect([...intToBytes(1)]).toEqual([1]);
    expect([...intToBytes(256)]).toEqual([1, 0]);
  });

  it('writes the timestamp 1700000000 as the bytes itsdangerous puts in cookies, "ZVPxAA"', () => {
    expect([...intToBytes(1_700_000_000)]).toEqual([0x65, 0x53, 0xf1, 0x00]);
    expect(base64UrlEncode(intToBytes(1_700_000_000))).toBe('ZVPxAA');
  });

  it.each([-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN])('refuses %d with a RangeError', (value) => {
    expect(() => intToBytes(value)).toThrow(RangeError);
  });
});

describe('bytesToInt', () => {
  it('reads no bytes as 0', () => {
    expect(bytesToInt(new Uint8Array(0))).toBe(0);
  });

  it('reads the bytes of "ZVPxAA" as 1700000000', () => {
    expect(bytesToInt(base64UrlDecode('ZVPxAA'))).toBe(1_700_000_000);
  });

  it('reads six bytes, enough for any timestamp before the year 10,000', () => {
    expect(bytesToInt(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(2 ** 48 - 1);
  });

  it('rejects more than six bytes with BadData', () => {
    expect(() => bytesToInt(new Uint8Array(7))).toThrow(BadData);
  });

  it('gives back any integer that fits in six bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (value) => {
        expect(bytesToInt(intToBytes(value))).toBe(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('unpaddedBase64Url', () => {
  it('strips one or two "=" of padding', () => {
    expect(unpaddedBase64Url('AA==')).toBe('AA');
    expect(unpaddedBase64Url('AAA=')).toBe('AAA');
    expect(unpaddedBase64Url('AAAA')).toBe('AAAA');
  });

  it('refuses a character outside the alphabet at either end or inside', () => {
    expect(unpaddedBase64Url('*AAA')).toBeUndefined();
    expect(unpaddedBase64Url('AAA*')).toBeUndefined();
    expect(unpaddedBase64Url('AA+A')).toBeUndefined();
  });

  it('refuses a length of 4n+1, which no encoder produces, and accepts 4n+2', () => {
    expect(unpaddedBase64Url('AAAAA')).toBeUndefined();
    expect(unpaddedBase64Url('AAAAAA')).toBe('AAAAAA');
  });
});

describe('error messages', () => {
  it('say what was wrong', () => {
    expect(() => base64UrlDecode('A*')).toThrow('Invalid base64-encoded data');
    expect(() => base64UrlDecode('AB')).toThrow('Invalid base64-encoded data');
    expect(() => bytesToInt(new Uint8Array(7))).toThrow('Integer too large');
    expect(() => intToBytes(-1)).toThrow('Not a non-negative safe integer: -1');
  });
});
