import fc from 'fast-check';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { BadData, BadSignature } from './errors.js';
import { sessionMiddleware, type SessionEnv } from './hono.js';
import { Session } from './session.js';
import { CookieSessionStore } from './cookie-store.js';
import { Uuid, type SessionData, type SessionValue } from './tagged-json.js';

// Every tampered cookie must open as a new, empty session with a BadData reason, and never throw.
// Runs: 3000 + 2000 + 2500 + 1500 + 500 + 500 = 10,000 through the store, 2000 through Hono.

const SECRET = 'tamper-test-secret-key';
const T_MS = 1_700_000_000_000;

function makeStore(secretKey = SECRET): CookieSessionStore {
  return new CookieSessionStore({ secretKey, now: () => T_MS, cookie: { secure: false } });
}

const store = makeStore();

/** The cookie value the store sends for `data`. */
function cookieFor(data: SessionData): string {
  // Built directly rather than with set(), so any key (even "__proto__") lands as data.
  const session = new Session(data);
  session.markModified();
  const action = store.commit(session);
  if (action.kind !== 'set') throw new Error(`Expected a cookie for ${JSON.stringify(data)}`);
  return action.header.slice('session='.length, action.header.indexOf(';'));
}

const valueArbitrary: fc.Arbitrary<SessionValue> = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // Repetitive values, so that many cookies take the compressed "." form.
  fc.array(fc.constantFrom('item', 'AAPL', 'MSFT'), { minLength: 10, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom('a', 'b'), minLength: 20, maxLength: 80 }),
  fc.uint8Array({ maxLength: 16 }),
  fc.integer({ min: 0, max: 253_402_300_799 }).map((seconds) => new Date(seconds * 1000)),
  fc.uuid().map((text) => new Uuid(text)),
);

const sessionDataArbitrary: fc.Arbitrary<SessionData> = fc.dictionary(
  fc.string({ maxLength: 10 }),
  valueArbitrary,
  { minKeys: 1, maxKeys: 5, noNullPrototype: true },
);

/** A valid cookie for random data. */
const cookieArbitrary: fc.Arbitrary<string> = sessionDataArbitrary.map(cookieFor);

/** Printable ASCII, 0x20–0x7e: what a tampering client can put in a `Cookie` header. */
const PRINTABLE_COUNT = 0x7e - 0x20 + 1;

/** A printable character other than `original`. */
function otherPrintable(original: string, step: number): string {
  const from = original.charCodeAt(0) - 0x20;
  return String.fromCharCode(0x20 + ((from + 1 + (step % (PRINTABLE_COUNT - 1))) % PRINTABLE_COUNT));
}

/** An index into `cookie`, half the time among the timestamp and signature at its end. */
function indexArbitrary(length: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 0, max: length - 1 }),
    fc.integer({ min: Math.max(0, length - 36), max: length - 1 }),
  );
}

/**
 * Insertions that leave the same cookie value, so they are not tampering:
 * - a space before or after the value, which cookie parsing trims (as Werkzeug does);
 * - a ";" after the value, which only ends the pair;
 * - a "=" after the signature: its 27 characters plus "=" is the same signature, correctly
 *   padded. The decoder accepts padding, as itsdangerous does (Flask, too, accepts the cookie).
 */
function isSameCookie(original: string, tampered: string): boolean {
  return (
    tampered === ' ' + original ||
    tampered === original + ' ' ||
    tampered === original + ';' ||
    tampered === original + '='
  );
}

/** Expects `tampered` to open as a new, empty session, with the reason why. */
function expectRejected(tampered: string, openWith: CookieSessionStore = store): void {
  const { session, error } = openWith.open('session=' + tampered);
  expect(session.isNew).toBe(true);
  expect(session.isEmpty).toBe(true);
  if (tampered.startsWith(';')) {
    // "session=;…" carries an empty value: no cookie at all, as in Flask, so there is no reason.
    expect(error).toBeUndefined();
  } else {
    expect(error).toBeInstanceOf(BadData);
  }
}

describe('a valid cookie', () => {
  it('opens as the data it was made from, so the properties below start from a working cookie', () => {
    fc.assert(
      fc.property(sessionDataArbitrary, (data) => {
        const { session, error } = store.open('session=' + cookieFor(data));
        expect(error).toBeUndefined();
        expect(session.isNew).toBe(false);
        expect(session.toJSON()).toEqual(data);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a tampered cookie opens as a new, empty session with a BadData reason', () => {
  it('when any one character is changed to another printable character', () => {
    const substitution = cookieArbitrary.chain((cookie) =>
      fc.record({
        cookie: fc.constant(cookie),
        index: indexArbitrary(cookie.length),
        step: fc.nat({ max: PRINTABLE_COUNT - 2 }),
      }),
    );
    fc.assert(
      fc.property(substitution, ({ cookie, index, step }) => {
        const tampered =
          cookie.slice(0, index) + otherPrintable(cookie.charAt(index), step) + cookie.slice(index + 1);
        expect(tampered).not.toBe(cookie);
        expectRejected(tampered);
      }),
      { numRuns: 3000 },
    );
  });

  it('when any one character is dropped', () => {
    const deletion = cookieArbitrary.chain((cookie) =>
      fc.record({ cookie: fc.constant(cookie), index: indexArbitrary(cookie.length) }),
    );
    fc.assert(
      fc.property(deletion, ({ cookie, index }) => {
        expectRejected(cookie.slice(0, index) + cookie.slice(index + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('when any printable character is inserted anywhere', () => {
    const insertion = cookieArbitrary.chain((cookie) =>
      fc.record({
        cookie: fc.constant(cookie),
        index: fc.oneof(indexArbitrary(cookie.length), fc.constant(cookie.length)),
        char: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
      }),
    );
    fc.assert(
      fc.property(insertion, ({ cookie, index, char }) => {
        const tampered = cookie.slice(0, index) + char + cookie.slice(index);
        fc.pre(!isSameCookie(cookie, tampered));
        expectRejected(tampered);
      }),
      { numRuns: 2500 },
    );
  });

  it('when it is cut short anywhere', () => {
    const truncation = cookieArbitrary.chain((cookie) =>
      fc.record({ cookie: fc.constant(cookie), length: fc.integer({ min: 1, max: cookie.length - 1 }) }),
    );
    fc.assert(
      fc.property(truncation, ({ cookie, length }) => {
        expectRejected(cookie.slice(0, length));
      }),
      { numRuns: 1500 },
    );
  });

  it('when its payload, timestamp and signature are put in another order', () => {
    fc.assert(
      fc.property(cookieArbitrary, (cookie) => {
        const last = cookie.lastIndexOf('.');
        const middle = cookie.lastIndexOf('.', last - 1);
        const [payload, timestamp, signature] = [
          cookie.slice(0, middle),
          cookie.slice(middle + 1, last),
          cookie.slice(last + 1),
        ];
        const reorderings = [
          [payload, signature, timestamp],
          [timestamp, payload, signature],
          [timestamp, signature, payload],
          [signature, payload, timestamp],
          [signature, timestamp, payload],
        ];
        for (const parts of reorderings) expectRejected(parts.join('.'));
      }),
      { numRuns: 500 },
    );
  });

  it('when it was signed with another key', () => {
    fc.assert(
      fc.property(
        cookieArbitrary,
        fc.string({ minLength: 1, maxLength: 40 }).filter((key) => key !== SECRET),
        (cookie, otherKey) => {
          const { session, error } = makeStore(otherKey).open('session=' + cookie);
          expect(session.isNew).toBe(true);
          expect(session.isEmpty).toBe(true);
          expect(error).toBeInstanceOf(BadSignature);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('through the Hono middleware', () => {
  const invalid: BadData[] = [];
  const app = new Hono<SessionEnv>();
  app.use(sessionMiddleware(store, { onInvalidCookie: (error) => invalid.push(error) }));
  app.get('/', (c) => c.json({ isNew: c.var.session.isNew, data: c.var.session.toJSON() }));

  const mutation = cookieArbitrary.chain((cookie) =>
    fc.oneof(
      fc
        .tuple(indexArbitrary(cookie.length), fc.nat({ max: PRINTABLE_COUNT - 2 }))
        .map(
          ([i, step]) => cookie.slice(0, i) + otherPrintable(cookie.charAt(i), step) + cookie.slice(i + 1),
        ),
      indexArbitrary(cookie.length).map((i) => cookie.slice(0, i) + cookie.slice(i + 1)),
      fc
        .tuple(fc.integer({ min: 0, max: cookie.length }), fc.integer({ min: 0x20, max: 0x7e }))
        .map(([i, code]) => cookie.slice(0, i) + String.fromCharCode(code) + cookie.slice(i))
        .filter((tampered) => !isSameCookie(cookie, tampered)),
      fc.integer({ min: 1, max: cookie.length - 1 }).map((length) => cookie.slice(0, length)),
    ),
  );

  it('a handler sees a new, empty session for any tampered cookie, with status 200', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async (tampered) => {
        invalid.length = 0;
        const response = await app.request('/', { headers: { cookie: 'session=' + tampered } });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ isNew: true, data: {} });
        if (!tampered.startsWith(';')) expect(invalid).toEqual([expect.any(BadData)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('a handler sees the data of the untampered cookie, so the property above can fail', async () => {
    const response = await app.request('/', { headers: { cookie: 'session=' + cookieFor({ a: 1 }) } });
    expect(await response.json()).toEqual({ isNew: false, data: { a: 1 } });
  });
});
