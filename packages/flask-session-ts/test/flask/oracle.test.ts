/**
 * Checks the Flask oracle itself, without our TypeScript codec, so that tests comparing our
 * cookies against it compare against real Flask behaviour.
 */
import { describe, expect, it } from 'vitest';
import { Uuid, type SessionData } from '../../src/tagged-json.js';
import {
  describeEachFlask,
  type FlaskOracle,
  OracleError,
  fromWire,
  sessionValuesEqual,
  toWire,
} from './oracle.js';

const SECRET = 'dev-secret-key';
const NOW = 1_700_000_000;
/** Flask's default PERMANENT_SESSION_LIFETIME: 31 days. */
const MAX_AGE_SECONDS = 31 * 24 * 60 * 60;

let oracle: FlaskOracle;

describeEachFlask(
  (started) => (oracle = started),
  () => {
    it('signs a session exactly as Flask does for a known secret and time', async () => {
      const cookie = await oracle.dumps({
        secret: SECRET,
        now: NOW,
        value: { user_id: 42, _permanent: true },
      });
      expect(cookie).toBe('eyJfcGVybWFuZW50Ijp0cnVlLCJ1c2VyX2lkIjo0Mn0.ZVPxAA.DzV6BfiKdM1zXWfEA6585EEJa2k');
    });

    it('reads back bytes, dates, UUIDs, nested dicts and astral unicode that it signed', async () => {
      const value: SessionData = {
        bytes: new Uint8Array([0, 1, 254, 255]),
        date: new Date(Date.UTC(2024, 1, 29, 12, 34, 56)),
        uuid: new Uuid('12345678-1234-5678-1234-567812345678'),
        nested: { list: [1, 2.5, 'three', null, true], deeper: { ' t': 'looks like a tag' } },
        'ключ 🔑': 'héllo 😀 𝄞',
      };
      const cookie = await oracle.dumps({ secret: SECRET, now: NOW, value });
      const result = await oracle.loads({ secret: SECRET, now: NOW, maxAge: MAX_AGE_SECONDS, cookie });
      expect(result).toEqual({ ok: true, value });
      expect(result.ok && sessionValuesEqual(result.value, value)).toBe(true);
    });

    it('rejects a cookie signed with another secret as BadTimeSignature', async () => {
      // The timed signer raises BadTimeSignature, the BadSignature subclass that Flask catches.
      const cookie = await oracle.dumps({ secret: 'another-secret', now: NOW, value: { a: 1 } });
      const result = await oracle.loads({ secret: SECRET, now: NOW, maxAge: MAX_AGE_SECONDS, cookie });
      expect(result).toEqual({ ok: false, error: 'BadTimeSignature' });
    });

    it('rejects a cookie older than maxAge as SignatureExpired', async () => {
      const maxAge = 60;
      const cookie = await oracle.dumps({ secret: SECRET, now: 1000, value: { a: 1 } });
      const result = await oracle.loads({ secret: SECRET, now: 1000 + maxAge + 1, maxAge, cookie });
      expect(result).toEqual({ ok: false, error: 'SignatureExpired' });
    });

    it('accepts a cookie exactly maxAge seconds old', async () => {
      const maxAge = 60;
      const cookie = await oracle.dumps({ secret: SECRET, now: 1000, value: { a: 1 } });
      const result = await oracle.loads({ secret: SECRET, now: 1000 + maxAge, maxAge, cookie });
      expect(result).toEqual({ ok: true, value: { a: 1 } });
    });

    it('rejects a cookie signed in the future as SignatureExpired', async () => {
      const cookie = await oracle.dumps({ secret: SECRET, now: 1010, value: { a: 1 } });
      const result = await oracle.loads({ secret: SECRET, now: 1000, maxAge: MAX_AGE_SECONDS, cookie });
      expect(result).toEqual({ ok: false, error: 'SignatureExpired' });
    });

    it('accepts a cookie signed with a fallback key only when that key is listed', async () => {
      const cookie = await oracle.dumps({ secret: 'old-key', now: NOW, value: { a: 1 } });
      const opts = { secret: 'new-key', now: NOW, maxAge: MAX_AGE_SECONDS, cookie };
      await expect(oracle.loads({ ...opts, fallbacks: ['old-key'] })).resolves.toEqual({
        ok: true,
        value: { a: 1 },
      });
      await expect(oracle.loads(opts)).resolves.toEqual({ ok: false, error: 'BadTimeSignature' });
    });

    it('signs with the current secret even when fallbacks are given', async () => {
      const value = { a: 1 };
      const withFallbacks = await oracle.dumps({
        secret: 'new-key',
        fallbacks: ['old-key'],
        now: NOW,
        value,
      });
      const withoutFallbacks = await oracle.dumps({ secret: 'new-key', now: NOW, value });
      expect(withFallbacks).toBe(withoutFallbacks);
    });

    it('returns the Set-Cookie header of a real Flask request, whose value loads back', async () => {
      const value = { user_id: 7, name: 'Zoë' };
      const setCookie = await oracle.sessionCookie({ secret: SECRET, now: NOW, value, permanent: true });
      // Frozen clock: Expires is now + 31 days.
      expect(setCookie).toMatch(/^session=[^;]+; Expires=Fri, 15 Dec 2023 22:13:20 GMT; HttpOnly; Path=\/$/);
      const cookie = /^session=([^;]+);/.exec(setCookie)?.[1] ?? '';
      const expected = { ...value, _permanent: true };
      await expect(
        oracle.loads({ secret: SECRET, now: NOW, maxAge: MAX_AGE_SECONDS, cookie }),
      ).resolves.toEqual({
        ok: true,
        value: expected,
      });
      await expect(oracle.openSession({ secret: SECRET, now: NOW, cookie })).resolves.toEqual(expected);
    });

    it('opens an invalid cookie in a real Flask request as an empty session', async () => {
      await expect(oracle.openSession({ secret: SECRET, now: NOW, cookie: 'not.a.cookie' })).resolves.toEqual(
        {},
      );
    });

    it('rejects with the Python error class when Flask raises, and keeps serving', async () => {
      // A lone surrogate has no UTF-8 encoding, so itsdangerous cannot turn the key into bytes.
      const failing = oracle.dumps({ secret: '\ud800', now: NOW, value: { a: 1 } });
      await expect(failing).rejects.toBeInstanceOf(OracleError);
      await expect(failing).rejects.toHaveProperty('pythonError', 'UnicodeEncodeError');
      await expect(oracle.dumps({ secret: SECRET, now: NOW, value: { a: 1 } })).resolves.toMatch(/^eyJ/);
    });
  },
);

describe('the WIRE helpers', () => {
  it('round-trip every kind of session value', () => {
    const value: SessionData = {
      b: new Uint8Array([1, 2, 3]),
      d: new Date(86_400_000),
      u: new Uuid('0123456789abcdef0123456789abcdef'),
      list: [1, 'two', [null, false]],
      nested: { x: { y: 'z' } },
    };
    expect(sessionValuesEqual(fromWire(toWire(value)), value)).toBe(true);
  });

  it('read Python tuples as arrays and Markup as strings', () => {
    expect(fromWire({ $tuple: [1, { $markup: '<b>hi</b>' }] })).toEqual([1, '<b>hi</b>']);
  });

  it('compare sessions ignoring key order and undefined values', () => {
    expect(sessionValuesEqual({ a: 1, b: 2, c: undefined }, { b: 2, a: 1 })).toBe(true);
    expect(sessionValuesEqual({ a: new Uint8Array([1]) }, { a: new Uint8Array([2]) })).toBe(false);
    expect(sessionValuesEqual({ d: new Date(1000) }, { d: new Date(2000) })).toBe(false);
    expect(sessionValuesEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});
