import fc from 'fast-check';
import { readCookie } from 'flask-session-ts';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { RequestCookies, requestCookies } from './request-cookies.js';

describe('RequestCookies', () => {
  it('reads each cookie by name, the first of a repeated name, unquoted and trimmed', () => {
    const cookies = new RequestCookies(' a=1; session="xyz" ; a=2;broken; b = 3 ');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('session')).toBe('xyz');
    expect(cookies.get('b')).toBe('3');
    expect(cookies.get('broken')).toBeUndefined();
    expect(cookies.get('c')).toBeUndefined();
  });

  it('has no cookies without a header', () => {
    expect(new RequestCookies(undefined).get('a')).toBeUndefined();
    expect(new RequestCookies('').get('a')).toBeUndefined();
  });

  it('answers the same whatever order the names are asked in', () => {
    const header = 'a=1; b=2; a=3; c=4';
    const forward = new RequestCookies(header);
    const backward = new RequestCookies(header);
    expect(['a', 'b', 'c', 'd'].map((n) => forward.get(n))).toEqual(['1', '2', '4', undefined]);
    expect(['d', 'c', 'b', 'a'].map((n) => backward.get(n))).toEqual([undefined, '4', '2', '1']);
  });
});

describe('RequestCookies against the library', () => {
  // The session store reads the session cookie with the library's readCookie: the app's readers
  // must see the same value for every name, or the two could disagree about one request.
  const piece = fc.constantFrom('a', 'b', 'session', ' ', '=', ';', '"', 'x=1', '"v"', '==');
  const header = fc.array(piece, { maxLength: 20 }).map((parts) => parts.join(''));
  const name = fc.constantFrom('a', 'b', 'session', 'x', '', 'a b');

  it('agrees with the library’s readCookie on every header and every sequence of names', () => {
    fc.assert(
      fc.property(header, fc.array(name, { minLength: 1, maxLength: 4 }), (text, wanted) => {
        const cookies = new RequestCookies(text);
        for (const n of wanted) expect(cookies.get(n)).toBe(readCookie(text, n));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('requestCookies', () => {
  it('parses the header once per request and gives every reader the same cookies', async () => {
    const app = new Hono<{ Variables: { cookies: RequestCookies | undefined } }>();
    const seen: RequestCookies[] = [];
    app.use((c, next) => {
      seen.push(requestCookies(c));
      return next();
    });
    app.get('/', (c) => {
      seen.push(requestCookies(c));
      return c.text(requestCookies(c).get('a') ?? '-');
    });
    const first = await app.request('/', { headers: { cookie: 'a=1' } });
    expect(await first.text()).toBe('1');
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    const second = await app.request('/', { headers: { cookie: 'a=2' } });
    expect(await second.text()).toBe('2');
    expect(seen[2]).not.toBe(seen[0]);
  });
});
