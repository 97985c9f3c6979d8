import { describe, expect, it } from 'vitest';

import {
  readCookie,
  serializeDeleteCookie,
  serializeSetCookie,
  validateCookieAttributes,
  type CookieAttributes,
} from './cookie.js';
import { SessionConfigError } from './errors.js';

const T_MS = 1_700_000_000_000; // Tue, 14 Nov 2023 22:13:20 GMT

const BASE: CookieAttributes = {
  name: 'session',
  path: '/',
  httpOnly: true,
  secure: false,
  sameSite: 'Lax',
  partitioned: false,
};

const EVERYTHING: CookieAttributes = {
  name: 'session',
  path: '/app',
  domain: 'example.com',
  httpOnly: true,
  secure: true,
  sameSite: 'None',
  partitioned: true,
};

describe('serializeSetCookie', () => {
  it('writes the default attributes of a browser-session cookie', () => {
    expect(serializeSetCookie(BASE, 'abc', { nowMs: T_MS })).toBe(
      'session=abc; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('writes every attribute, in a fixed order', () => {
    expect(serializeSetCookie(EVERYTHING, 'abc', { nowMs: T_MS })).toBe(
      'session=abc; Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=None; Partitioned',
    );
  });

  it('writes Max-Age with an Expires that lies the same number of seconds after now', () => {
    expect(serializeSetCookie(BASE, 'abc', { nowMs: T_MS, maxAgeSeconds: 3600 })).toBe(
      'session=abc; Expires=Tue, 14 Nov 2023 23:13:20 GMT; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('leaves out attributes that are off', () => {
    const bare: CookieAttributes = { ...BASE, httpOnly: false, sameSite: undefined };
    expect(serializeSetCookie(bare, 'abc', { nowMs: T_MS })).toBe('session=abc; Path=/');
  });

  it.each([
    ['a space', 'a b'],
    ['a semicolon', 'a;b'],
    ['a comma', 'a,b'],
    ['a double quote', 'a"b'],
    ['a backslash', 'a\\b'],
    ['a non-ASCII character', 'é'],
    ['a line feed', 'a\nb'],
  ])('refuses a value with %s, which is not a cookie-octet', (_what, value) => {
    const run = () => serializeSetCookie(BASE, value, { nowMs: T_MS });
    expect(run).toThrow(TypeError);
    expect(run).toThrow('Cookie value contains characters outside cookie-octet');
  });

  it('accepts every character a signed session cookie is made of', () => {
    const value = '.eJyrVkpOLCpRsopWyixJzVXSGaVoQcXWAgBmjm27.ZVPxAA.gohk4Kx2l4Pz1swcS1AkYytg5FI';
    expect(serializeSetCookie(BASE, value, { nowMs: T_MS })).toBe(
      `session=${value}; Path=/; HttpOnly; SameSite=Lax`,
    );
  });
});

describe('serializeDeleteCookie', () => {
  it('writes an empty, already expired cookie with Max-Age=0', () => {
    expect(serializeDeleteCookie(BASE)).toBe(
      'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    );
  });

  it('keeps the path and domain, without which the browser would not match the cookie to delete', () => {
    expect(serializeDeleteCookie(EVERYTHING)).toBe(
      'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Path=/app; Secure; HttpOnly; SameSite=None; Partitioned',
    );
  });
});

describe('validateCookieAttributes', () => {
  it('accepts the defaults', () => {
    expect(() => validateCookieAttributes(BASE)).not.toThrow();
  });

  it('accepts every attribute together when they are compatible', () => {
    expect(() => validateCookieAttributes(EVERYTHING)).not.toThrow();
  });

  it('accepts a "__Host-" cookie that is Secure, at Path=/ and without a Domain', () => {
    expect(() => validateCookieAttributes({ ...BASE, name: '__Host-session', secure: true })).not.toThrow();
  });

  it('accepts a "__Secure-" cookie that is Secure', () => {
    expect(() =>
      validateCookieAttributes({ ...BASE, name: '__Secure-session', secure: true, domain: 'example.com' }),
    ).not.toThrow();
  });

  it.each<[string, Partial<CookieAttributes>, string]>([
    ['SameSite=None without Secure', { sameSite: 'None', secure: false }, 'SameSite=None requires Secure'],
    ['Partitioned without Secure', { partitioned: true, secure: false }, 'Partitioned requires Secure'],
    [
      '"__Host-" without Secure',
      { name: '__Host-session', secure: false },
      'must be Secure, have Path=/ and no Domain',
    ],
    [
      '"__Host-" with a Domain',
      { name: '__Host-session', secure: true, domain: 'example.com' },
      'must be Secure, have Path=/ and no Domain',
    ],
    [
      '"__Host-" with a Path other than /',
      { name: '__Host-session', secure: true, path: '/app' },
      'must be Secure, have Path=/ and no Domain',
    ],
    [
      '"__Secure-" without Secure',
      { name: '__Secure-session', secure: false },
      'must be Secure. Set secure: true or rename',
    ],
    ['a name with a space', { name: 'my session' }, 'is not a valid token'],
    ['a name with a semicolon', { name: 'session;x' }, 'is not a valid token'],
    ['a name with "="', { name: 'session=x' }, 'is not a valid token'],
    ['an empty name', { name: '' }, 'is not a valid token'],
    ['a non-ASCII name', { name: 'séssion' }, 'is not a valid token'],
    [
      'a path with a semicolon',
      { path: '/app; Domain=evil.example' },
      'must start with "/" and contain no ";" or control characters',
    ],
    [
      'a path with a carriage return',
      { path: '/app\r' },
      'must start with "/" and contain no ";" or control characters',
    ],
    [
      'a path with a line feed',
      { path: '/app\nSet-Cookie: x=y' },
      'must start with "/" and contain no ";" or control characters',
    ],
    [
      'a path that does not start with /',
      { path: 'app' },
      'must start with "/" and contain no ";" or control characters',
    ],
    ['a domain with a semicolon', { domain: 'example.com; Secure' }, 'must be a host name without'],
    ['a domain with a carriage return', { domain: 'example.com\r' }, 'must be a host name without'],
    ['a domain with a line feed', { domain: 'example.com\n' }, 'must be a host name without'],
    ['an empty domain', { domain: '' }, 'must be a host name without'],
  ])('refuses %s with SessionConfigError, saying what to change', (_what, change, hint) => {
    const run = () => validateCookieAttributes({ ...BASE, ...change });
    expect(run).toThrow(SessionConfigError);
    expect(run).toThrow(hint);
  });

  it('says how to fix SameSite=None without Secure', () => {
    expect(() => validateCookieAttributes({ ...BASE, sameSite: 'None' })).toThrow(/secure: true/);
  });
});

describe('readCookie', () => {
  it('reads the named cookie among others', () => {
    expect(readCookie('theme=dark; session=abc; lang=en', 'session')).toBe('abc');
  });

  it('reads the first of several cookies with the same name, as Werkzeug does', () => {
    expect(readCookie('session=first; session=second', 'session')).toBe('first');
  });

  it('ignores spaces around names and values', () => {
    expect(readCookie('  theme = dark ;   session =  abc  ', 'session')).toBe('abc');
  });

  it('reads a value without spaces after the semicolons', () => {
    expect(readCookie('theme=dark;session=abc', 'session')).toBe('abc');
  });

  it('removes the double quotes around a quoted value', () => {
    expect(readCookie('session="abc"', 'session')).toBe('abc');
  });

  it('keeps a lone double quote that does not close', () => {
    expect(readCookie('session="abc', 'session')).toBe('"abc');
  });

  it('keeps a value that only ends with a double quote, and a lone double quote', () => {
    expect(readCookie('session=ab"', 'session')).toBe('ab"');
    expect(readCookie('session="', 'session')).toBe('"');
  });

  it('reads a quoted empty value as the empty string', () => {
    expect(readCookie('session=""', 'session')).toBe('');
  });

  it('reads a cookie after a leading semicolon', () => {
    expect(readCookie(';session=abc', 'session')).toBe('abc');
  });

  it('does not take a last pair without "=" for the cookie it names', () => {
    expect(readCookie('a=1; session', 'session')).toBeUndefined();
    expect(readCookie('a=1; sessionX', 'session')).toBeUndefined();
  });

  it('keeps "=" inside the value', () => {
    expect(readCookie('session=a=b==', 'session')).toBe('a=b==');
  });

  it('gives undefined when the cookie is missing', () => {
    expect(readCookie('theme=dark', 'session')).toBeUndefined();
  });

  it('gives undefined when there is no header or an empty one', () => {
    expect(readCookie(undefined, 'session')).toBeUndefined();
    expect(readCookie('', 'session')).toBeUndefined();
  });

  it('gives the empty string for a cookie with an empty value', () => {
    expect(readCookie('session=', 'session')).toBe('');
  });

  it('skips malformed pairs', () => {
    expect(readCookie('garbage; =nameless; ;; session=abc', 'session')).toBe('abc');
  });

  it('does not take a pair without "=" that matches the name for the cookie', () => {
    expect(readCookie('session; other=1', 'session')).toBeUndefined();
  });

  it('does not match a name that only ends with the one asked for', () => {
    expect(readCookie('xsession=1; session=2', 'session')).toBe('2');
  });

  it('does not match a name that only starts with the one asked for', () => {
    expect(readCookie('session_old=1; session=2', 'session')).toBe('2');
  });

  it('does not match the name inside another cookie’s value', () => {
    expect(readCookie('other=session=1; session=2', 'session')).toBe('2');
  });
});
