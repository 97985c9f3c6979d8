import { deflateSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { base64UrlEncode } from './encoding.js';
import {
  BadData,
  BadPayload,
  BadSignature,
  SessionConfigError,
  SignatureExpired,
  UndecodableSession,
} from './errors.js';
import { SessionSerializer } from './serializer.js';
import { CookieSessionStore } from './cookie-store.js';
import { dumps, Uuid } from './tagged-json.js';
import { thrown } from '../test/support/thrown.js';

// Cookies written by Flask 2.2 / itsdangerous 2.1 with SECRET_KEY "dev-secret-key" and
// time.time() frozen at 1700000000 ("ZVPxAA").
const SECRET = 'dev-secret-key';
const T = 1_700_000_000;
const FLASK_USER = 'eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.DzV6BfiKdM1zXWfEA6585EEJa2k';
const FLASK_ZOE = 'eyJuYW1lIjoiWm9cdTAwZWIifQ.ZVPxAA.nKah6McnzviseFC9n_VCbtUtomQ';
const FLASK_CART = '.eJyrVkpOLCpRsopWyixJzVXSGaVoQcXWAgBmjm27.ZVPxAA.gohk4Kx2l4Pz1swcS1AkYytg5FI';
const FLASK_TAGS =
  '.eJyrVlIoUbIy1FFKUrKqVlIAkkr65ba2SrU6SilgESCpFFKaqqNgYKTglZinYGRgZKJgYGxlYGJlYKrg7hsCUloCVgokow11jGKBAqVgASCpZIAfGCrV1gIAJGUekw.ZVPxAA.22wIarerk-Ti-IXfE6EmUK1f9rw';
// {"s": "a" * 11} compresses to exactly one byte less than its JSON, {"s": "a" * 12} to two.
const FLASK_ELEVEN_AS = 'eyJzIjoiYWFhYWFhYWFhYWEifQ.ZVPxAA.JNqWmLksbLnKvboK9dtmMFf04U4';
const FLASK_TWELVE_AS = '.eJyrVipWslJKRAJKtQBDkwa6.ZVPxAA.7o2ZPWpOGHBxK12yei3AYTCfOH4';

const THIRTY_ONE_DAYS = 31 * 24 * 3600;

function makeSerializer(
  options: { now?: () => number; maxInflatedBytes?: number; compressAboveBytes?: number } = {},
): SessionSerializer {
  return new SessionSerializer([SECRET], { now: () => T * 1000, ...options });
}

/** A JSON session text of exactly `length` bytes: `{"a":"xxx…"}`. */
function jsonOfLength(length: number): string {
  const text = `{"a":"${'x'.repeat(length - 8)}"}`;
  expect(text).toHaveLength(length);
  return text;
}

describe('Flask test vectors', () => {
  it('writes {"user_id": 42, "_permanent": true} exactly as Flask does', () => {
    expect(makeSerializer().dumps({ user_id: 42, _permanent: true })).toBe(FLASK_USER);
  });

  it('writes {"name": "Zoë"} exactly as Flask does, with the ë escaped', () => {
    expect(makeSerializer().dumps({ name: 'Zoë' })).toBe(FLASK_ZOE);
  });

  it('reads Flask’s {"user_id": 42, "_permanent": true}', () => {
    expect(makeSerializer().loads(FLASK_USER, THIRTY_ONE_DAYS)).toEqual({
      data: { user_id: 42, _permanent: true },
      sources: new Map([
        ['_permanent', 'true'],
        ['user_id', '42'],
      ]),
      payload: FLASK_USER.slice(0, FLASK_USER.indexOf('.')),
      keyIndex: 0,
      timestampSeconds: T,
    });
  });

  it('reads Flask’s compressed {"cart": ["item"] * 50}', () => {
    const cart: string[] = Array.from({ length: 50 }, () => 'item');
    expect(makeSerializer().loads(FLASK_CART, THIRTY_ONE_DAYS).data).toEqual({ cart });
  });

  it('writes {"cart": ["item"] * 50} compressed, exactly as Flask does', () => {
    const cart: string[] = Array.from({ length: 50 }, () => 'item');
    expect(makeSerializer().dumps({ cart })).toBe(FLASK_CART);
  });

  it('reads Flask’s tuple, bytes, datetime, UUID and tag-named key', () => {
    expect(makeSerializer().loads(FLASK_TAGS, THIRTY_ONE_DAYS).data).toEqual({
      t: [1, 2],
      b: new Uint8Array([0xff]),
      d: new Date('2024-01-02T03:04:05Z'),
      u: new Uuid('00000000000000000000000000000001'),
      ' t': 1,
    });
  });

  it('reads Flask’s bytes as a Uint8Array and its UUID as a Uuid', () => {
    const { data } = makeSerializer().loads(FLASK_TAGS, THIRTY_ONE_DAYS);
    expect(data.b).toBeInstanceOf(Uint8Array);
    expect(data.u).toBeInstanceOf(Uuid);
    expect((data.u as Uuid).hex).toBe('00000000000000000000000000000001');
  });
});

describe('compression', () => {
  it('leaves a short payload uncompressed', () => {
    expect(makeSerializer().dumpPayload({ a: 1 })).toBe(base64UrlEncode('{"a":1}'));
  });

  it('compresses a repetitive payload and marks it with a leading "."', () => {
    const payload = makeSerializer().dumpPayload({ s: 'a'.repeat(200) });
    expect(payload.startsWith('.')).toBe(true);
    expect(payload.length).toBeLessThan(base64UrlEncode(dumps({ s: 'a'.repeat(200) })).length);
  });

  it('does not compress when zlib saves exactly one byte, which the "." would cost', () => {
    const json = Buffer.from(dumps({ s: 'a'.repeat(11) }));
    expect(deflateSync(json).length).toBe(json.length - 1);
    expect(makeSerializer().dumps({ s: 'a'.repeat(11) })).toBe(FLASK_ELEVEN_AS);
  });

  it('compresses when zlib saves two bytes', () => {
    const json = Buffer.from(dumps({ s: 'a'.repeat(12) }));
    expect(deflateSync(json).length).toBe(json.length - 2);
    expect(makeSerializer().dumps({ s: 'a'.repeat(12) })).toBe(FLASK_TWELVE_AS);
  });

  it('with compressAboveBytes, sends JSON of at most that many bytes as plain base64 and reads it back', () => {
    const data = { s: 'a'.repeat(200) };
    const json = dumps(data);
    const serializer = makeSerializer({ compressAboveBytes: json.length });
    expect(serializer.dumpPayload(data)).toBe(base64UrlEncode(json));
    expect(serializer.loads(serializer.dumps(data)).data).toEqual(data);
  });

  it('with compressAboveBytes, still compresses JSON one byte over it', () => {
    const data = { s: 'a'.repeat(200) };
    const serializer = makeSerializer({ compressAboveBytes: dumps(data).length - 1 });
    expect(serializer.dumpPayload(data).startsWith('.')).toBe(true);
  });

  it('takes compressAboveBytes from the CookieSessionStore options', () => {
    const data = { s: 'a'.repeat(200) };
    const store = new CookieSessionStore({ secretKey: SECRET, compressAboveBytes: 1024 });
    expect(store.serializer.dumpPayload(data)).toBe(base64UrlEncode(dumps(data)));
    expect(new CookieSessionStore({ secretKey: SECRET }).serializer.dumpPayload(data).startsWith('.')).toBe(
      true,
    );
  });

  it('signs the "." marker, so removing it breaks the signature', () => {
    expect(() => makeSerializer().loads(FLASK_CART.slice(1))).toThrow(BadSignature);
  });

  it('signs the "." marker, so adding it breaks the signature', () => {
    expect(() => makeSerializer().loads('.' + FLASK_USER)).toThrow(BadSignature);
  });
});

describe('decompression limits', () => {
  it('rejects a correctly signed zlib bomb as undecodable (too large), stopping at the 64 KiB cap', () => {
    const serializer = makeSerializer();
    const bomb = deflateSync(Buffer.alloc(10 * 1024 * 1024));
    const cookie = serializer.signPayload('.' + base64UrlEncode(bomb));
    const error = thrown(() => serializer.loads(cookie));
    expect(error).toBeInstanceOf(UndecodableSession);
    expect(error).toMatchObject({
      reason: 'too-large',
      message:
        'Undecodable session: too large when inflated (The payload inflates to more than 65536 bytes ' +
        '(maxInflatedBytes)). Its signature is valid, so it is kept unchanged: ' +
        'changes to this session are refused until session.clear(), destroy() or regenerate() discards it.',
    });
    // Node's maxOutputLength error: inflating stopped at the cap instead of producing 10 MB.
    expect((error as BadPayload).originalError).toMatchObject({ code: 'ERR_BUFFER_TOO_LARGE' });
  });

  it('accepts a compressed payload that inflates to exactly 64 KiB', () => {
    const serializer = makeSerializer();
    const cookie = serializer.signPayload('.' + base64UrlEncode(deflateSync(jsonOfLength(64 * 1024))));
    expect(serializer.loads(cookie).data.a).toHaveLength(64 * 1024 - 8);
  });

  it('rejects a compressed payload that inflates to one byte over 64 KiB', () => {
    const serializer = makeSerializer();
    const cookie = serializer.signPayload('.' + base64UrlEncode(deflateSync(jsonOfLength(64 * 1024 + 1))));
    expect(() => serializer.loads(cookie)).toThrow(BadPayload);
  });

  it('applies a smaller cap when given one', () => {
    const serializer = makeSerializer({ maxInflatedBytes: 2000 });
    const fits = serializer.signPayload('.' + base64UrlEncode(deflateSync(jsonOfLength(2000))));
    const tooBig = serializer.signPayload('.' + base64UrlEncode(deflateSync(jsonOfLength(2001))));
    expect(serializer.loads(fits).data.a).toHaveLength(1992);
    expect(thrown(() => serializer.loads(tooBig))).toMatchObject({ reason: 'too-large' });
  });

  it('applies a larger cap when given one', () => {
    const serializer = makeSerializer({ maxInflatedBytes: 128 * 1024 });
    const cookie = serializer.signPayload('.' + base64UrlEncode(deflateSync(jsonOfLength(100_000))));
    expect(serializer.loads(cookie).data.a).toHaveLength(100_000 - 8);
  });

  it.each([1023, 64 * 1024 * 1024 + 1, 2048.5, Number.NaN, 0, -1])(
    'refuses maxInflatedBytes %s at construction, saying the range',
    (maxInflatedBytes) => {
      expect(() => makeSerializer({ maxInflatedBytes })).toThrow(
        new SessionConfigError(
          `maxInflatedBytes must be a whole number of bytes from 1024 (1 KiB) to 67108864 (64 MiB), not ${maxInflatedBytes}.`,
        ),
      );
    },
  );

  it('accepts maxInflatedBytes at both ends of its range', () => {
    expect(() => makeSerializer({ maxInflatedBytes: 1024 })).not.toThrow();
    expect(() => makeSerializer({ maxInflatedBytes: 64 * 1024 * 1024 })).not.toThrow();
  });
});

describe('correctly signed but undecodable payloads', () => {
  it('rejects a payload that is not base64 with BadPayload carrying the decoding error', () => {
    const serializer = makeSerializer();
    const error = thrown(() => serializer.loads(serializer.signPayload('not*base64')));
    expect(error).toBeInstanceOf(UndecodableSession);
    expect((error as BadPayload).message).toBe(
      'Undecodable session: not base64 (Could not base64 decode the payload). Its signature is valid, so it ' +
        'is kept unchanged: changes to this session are refused until session.clear(), destroy() or ' +
        'regenerate() discards it.',
    );
    expect((error as BadPayload).reason).toBe('bad-base64');
    expect((error as BadPayload).originalError).toBeInstanceOf(BadData);
  });

  it('rejects a compressed payload that is not zlib with BadPayload carrying the zlib error', () => {
    const serializer = makeSerializer();
    const error = thrown(() => serializer.loads(serializer.signPayload('.' + base64UrlEncode('not zlib'))));
    expect(error).toBeInstanceOf(UndecodableSession);
    expect((error as BadPayload).reason).toBe('bad-zlib');
    expect((error as BadPayload).message).toContain('(Could not zlib decompress the payload)');
    expect((error as BadPayload).originalError).toMatchObject({ code: 'Z_DATA_ERROR' });
  });

  it('rejects a payload that is not JSON with BadPayload carrying the parser’s error', () => {
    const serializer = makeSerializer();
    const error = thrown(() => serializer.loads(serializer.signPayload(base64UrlEncode('not json'))));
    expect(error).toBeInstanceOf(UndecodableSession);
    expect((error as BadPayload).reason).toBe('bad-json');
    expect((error as BadPayload).originalError).toBeInstanceOf(SyntaxError);
  });

  it('rejects a compressed payload that is not JSON with BadPayload carrying the parser’s error', () => {
    const serializer = makeSerializer();
    const payload = '.' + base64UrlEncode(deflateSync('not json'));
    const error = thrown(() => serializer.loads(serializer.signPayload(payload)));
    expect(error).toBeInstanceOf(BadPayload);
    expect((error as BadPayload).originalError).toBeInstanceOf(SyntaxError);
  });

  it('rejects a JSON payload that is not an object with BadPayload', () => {
    const serializer = makeSerializer();
    expect(() => serializer.loads(serializer.signPayload(base64UrlEncode('[1,2]')))).toThrow(BadPayload);
  });

  it('says a tag holding the wrong thing is a bad tag', () => {
    const serializer = makeSerializer();
    const error = thrown(() =>
      serializer.loads(serializer.signPayload(base64UrlEncode('{"x":{" d":"soon"}}'))),
    );
    expect(error).toBeInstanceOf(UndecodableSession);
    expect(error).toMatchObject({ reason: 'bad-tag' });
    expect((error as Error).message).toBe(
      'Undecodable session: a Flask tag holds the wrong value (Date tag " d" must hold an HTTP date). ' +
        'Its signature is valid, so it is kept unchanged: changes to this session are refused until ' +
        'session.clear(), destroy() or regenerate() discards it.',
    );
  });

  it.each([
    ['lists', (inner: string) => `[${inner}]`],
    ['objects', (inner: string) => `{"a":${inner}}`],
    ['lists with a NaN (the tolerant parser)', (inner: string) => `[${inner}]`, 'NaN'],
  ])('says a session of %s nested 512 deep is too deep, and reads 511', (_, wrap, leaf = '0') => {
    const serializer = makeSerializer();
    const nested = (depth: number): string => {
      let text = leaf;
      for (let i = 0; i < depth; i++) text = wrap(text);
      return `{"x":${text}}`;
    };
    const deep = serializer.signPayload(base64UrlEncode(nested(512)));
    expect(thrown(() => serializer.loads(deep))).toMatchObject({
      name: 'UndecodableSession',
      reason: 'too-deep',
    });
    expect(serializer.loads(serializer.signPayload(base64UrlEncode(nested(511)))).data.x).toBeDefined();
  });
});

describe('SessionSerializer.loads', () => {
  it('rejects a cookie older than the maximum age with SignatureExpired', () => {
    const later = makeSerializer({ now: () => (T + THIRTY_ONE_DAYS + 1) * 1000 });
    expect(() => later.loads(FLASK_USER, THIRTY_ONE_DAYS)).toThrow(SignatureExpired);
  });

  it('reports the index of the fallback key that verified, so the cookie can be re-signed', () => {
    const rotated = new SessionSerializer(['new-secret', SECRET], { now: () => T * 1000 });
    expect(rotated.loads(FLASK_USER).keyIndex).toBe(1);
  });

  it('gives back the payload exactly as received, for re-signing without re-encoding', () => {
    const { payload } = makeSerializer().loads(FLASK_CART);
    expect(payload).toBe(FLASK_CART.split('.ZVPxAA.')[0]);
  });

  it('signs with an explicit timestamp when given one', () => {
    expect(makeSerializer().loads(makeSerializer().dumps({ a: 1 }, 12_345)).timestampSeconds).toBe(12_345);
  });
});

describe('the decoded-payload cache', () => {
  // Never compressed, so a payload's length is fixed by its JSON's: 4 base64 characters per 3 bytes.
  const plain = () => makeSerializer({ compressAboveBytes: Number.MAX_SAFE_INTEGER });
  const cookieOf = (serializer: SessionSerializer, i: number) => serializer.dumps({ visitor: i });

  it('keeps a payload’s data from its second sighting: the third gets the same object', () => {
    const serializer = plain();
    const cookie = cookieOf(serializer, 1);
    const first = serializer.loads(cookie).data;
    const second = serializer.loads(cookie).data;
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(serializer.loads(cookie).data).toBe(second);
    expect(serializer.loads(cookie).data).toBe(second);
  });

  it('freezes data from the first sighting on, so an in-place change fails loudly every time', () => {
    const serializer = plain();
    const cookie = serializer.dumps({ list: [{ n: 1 }] });
    for (let sighting = 1; sighting <= 3; sighting++) {
      const data = serializer.loads(cookie).data as { list: { n: number }[] };
      expect(Object.isFrozen(data)).toBe(true);
      expect(() => data.list.push({ n: 2 })).toThrow(TypeError);
      expect(() => {
        (data.list[0] as { n: number }).n = 3;
      }).toThrow(TypeError);
      expect(() => {
        (data as Record<string, unknown>)['other'] = 1;
      }).toThrow(TypeError);
    }
    expect(serializer.loads(cookie).data).toEqual({ list: [{ n: 1 }] });
  });

  it('keeps 256 payloads, seen once or kept, dropping the least recently used when a 257th comes', () => {
    const serializer = plain();
    const cookies = Array.from({ length: 258 }, (_, i) => cookieOf(serializer, i));
    const keep = (cookie: string) => {
      serializer.loads(cookie);
      return serializer.loads(cookie).data;
    };
    const first = keep(cookies[0] ?? '');
    const second = keep(cookies[1] ?? '');
    for (let i = 2; i < 256; i++) keep(cookies[i] ?? '');
    // 256 entries: nothing dropped yet; reading the first makes the second the least recently used.
    expect(serializer.loads(cookies[0] ?? '').data).toBe(first);
    // A payload seen once takes an entry too.
    serializer.loads(cookies[256] ?? '');
    expect(serializer.loads(cookies[0] ?? '').data).toBe(first);
    expect(serializer.loads(cookies[1] ?? '').data).not.toBe(second);
  });

  it('makes a payload seen a second time the most recently used', () => {
    const serializer = plain();
    const cookies = Array.from({ length: 257 }, (_, i) => cookieOf(serializer, i));
    serializer.loads(cookies[0] ?? '');
    for (let i = 1; i < 256; i++) serializer.loads(cookies[i] ?? '');
    const kept = serializer.loads(cookies[0] ?? '').data;
    // The 257th drops the payload seen once longest ago: the first, had its second sighting not moved it.
    serializer.loads(cookies[256] ?? '');
    expect(serializer.loads(cookies[0] ?? '').data).toBe(kept);
  });

  it('keeps a payload of 8 KiB, and decodes a longer one each time', () => {
    const serializer = plain();
    // {"x":"…"} is 8 bytes around the string: 6,144 bytes of JSON are 8,192 base64 characters.
    const atCap = serializer.dumps({ x: 'a'.repeat(6144 - 8) });
    expect(atCap.split('.')[0]).toHaveLength(8192);
    serializer.loads(atCap);
    expect(serializer.loads(atCap).data).toBe(serializer.loads(atCap).data);
    const over = serializer.dumps({ x: 'a'.repeat(6145 - 8) });
    serializer.loads(over);
    expect(serializer.loads(over).data).not.toBe(serializer.loads(over).data);
    expect(serializer.loads(over).data).toEqual({ x: 'a'.repeat(6145 - 8) });
  });

  it('decodes data holding a date or bytes each time, and leaves it unfrozen', () => {
    const serializer = plain();
    for (const value of [new Date(Date.UTC(2026, 0, 1)), new Uint8Array([1, 2])]) {
      const cookie = serializer.dumps({ nested: [{ value }] });
      const first = serializer.loads(cookie).data;
      const second = serializer.loads(cookie).data;
      expect(second).not.toBe(first);
      expect(serializer.loads(cookie).data).not.toBe(second);
      expect(Object.isFrozen(first)).toBe(false);
      expect(Object.isFrozen(first['nested'])).toBe(false);
    }
  });

  it('freezes every object and array of cached data, nulls and strings included among them', () => {
    const serializer = plain();
    const data = serializer.loads(serializer.dumps({ a: [null, 'x', { b: [1] }], c: null })).data;
    const a = data['a'] as unknown[];
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a[2])).toBe(true);
    expect(Object.isFrozen((a[2] as { b: unknown }).b)).toBe(true);
  });
});
