import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { thrown } from '../test/support/thrown.js';
import { CookieSessionStore, SESSION_DEFAULTS, type SessionOptions } from './cookie-store.js';
import { BadTimeSignature, SessionConfigError, SessionTooLarge } from './errors.js';
import type { Session } from './session.js';
import type { CookieAction } from './store.js';

const SECRET = 'cookie-store-test-secret';
const OLD_SECRET = 'cookie-store-old-secret';
const T0 = 1_700_000_000_000;

function storeWith(options: Partial<SessionOptions> = {}): CookieSessionStore {
  return new CookieSessionStore({ secretKey: SECRET, now: () => T0, ...options });
}

/** The cookie value (`name=value`) a `set` action carries. */
function cookiePair(action: CookieAction): string {
  if (action.kind !== 'set') throw new Error(`Expected a set action, got ${action.kind}`);
  return action.header.split(';')[0] ?? '';
}

/** A session opened from the cookie that `write` leaves in a fresh session of `writer`. */
function openedAfter(writer: CookieSessionStore, reader: CookieSessionStore, write: (s: Session) => void) {
  const { session } = writer.open(undefined);
  write(session);
  return reader.open(cookiePair(writer.commit(session)));
}

// Random, so incompressible: the cookie grows with it.
function noise(length: number): string {
  return randomBytes(length).toString('base64').slice(0, length);
}

/** Bytes of what a commit sends, or refuses: the figure measure() must predict. */
function committedBytes(action: CookieAction): number | undefined {
  if (action.kind === 'set') return Buffer.byteLength(action.header, 'utf8');
  if (action.kind === 'too-large') return action.sizeBytes;
  return undefined;
}

describe('measure() is the size of the cookie that commit() sends next', () => {
  const cases: [string, Partial<SessionOptions>, (store: CookieSessionStore) => Session][] = [
    [
      'a new session',
      {},
      (store) => {
        const { session } = store.open(undefined);
        session.set('a', 'b');
        return session;
      },
    ],
    [
      'a new session in a store that saves every session as permanent',
      { permanent: true },
      (store) => {
        const { session } = store.open(undefined);
        session.set('a', 'b');
        return session;
      },
    ],
    [
      'a session the app made permanent itself',
      {},
      (store) => {
        const { session } = store.open(undefined);
        session.set('a', 'b');
        session.permanent = true;
        return session;
      },
    ],
    [
      'an unchanged non-permanent session refreshed by a permanent store',
      { permanent: true },
      (store) => {
        const { session } = openedAfter(storeWith(), store, (s) => s.set('a', 'b'));
        session.get('a');
        return session;
      },
    ],
    [
      'an unchanged session re-signed after key rotation',
      { fallbackSecretKeys: [OLD_SECRET] },
      (store) => openedAfter(storeWith({ secretKey: OLD_SECRET }), store, (s) => s.set('a', 'b')).session,
    ],
    [
      'an unchanged permanent session refreshed on read',
      {},
      (store) => {
        const { session } = openedAfter(store, store, (s) => {
          s.set('a', 'b');
          s.permanent = true;
        });
        session.get('a');
        return session;
      },
    ],
    [
      'a session too large to send',
      { permanent: true },
      (store) => {
        const { session } = store.open(undefined);
        session.set('blob', noise(5000));
        return session;
      },
    ],
  ];

  it.each(cases)('%s', (_name, options, make) => {
    const store = storeWith(options);
    const session = make(store);
    const predicted = store.measure(session);
    const action = store.commit(session);
    expect(action.kind === 'set' || action.kind === 'too-large').toBe(true);
    expect(committedBytes(action)).toBe(predicted);
  });

  it('counts the _permanent flag and Expires a permanent store adds, which a plain store does not', () => {
    const make = (store: CookieSessionStore) => {
      const { session } = store.open(undefined);
      session.set('a', 'b');
      return store.measure(session);
    };
    const plain = make(storeWith());
    const permanent = make(storeWith({ permanent: true }));
    // `; Expires=<29 characters>; Max-Age=2678400` and the flag in the payload.
    expect(permanent - plain).toBeGreaterThan(
      '; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=2678400'.length,
    );
  });

  it('follows the session: a later change is measured, not the header computed before it', () => {
    const store = storeWith();
    const { session } = store.open(undefined);
    session.set('a', 'x');
    const before = store.measure(session);
    session.set('a', 'x'.repeat(50));
    const after = store.measure(session);
    expect(after).toBeGreaterThan(before);
    expect(committedBytes(store.commit(session))).toBe(after);
  });

  it('follows a restore: the header of the discarded state is not reused', () => {
    const store = storeWith();
    const { session } = store.open(undefined);
    session.set('a', 'x');
    const snapshot = session.snapshot();
    session.set('a', 'x'.repeat(50));
    const large = store.commit(session);
    session.restore(snapshot);
    const small = store.commit(session);
    expect(committedBytes(small)).toBe(store.measure(session));
    expect(committedBytes(small)).toBeLessThan(committedBytes(large) ?? 0);
  });
});

describe('the secure defaults', () => {
  it('are frozen, and Secure unless the app passes secure: false', () => {
    expect(Object.isFrozen(SESSION_DEFAULTS)).toBe(true);
    expect(Object.isFrozen(SESSION_DEFAULTS.cookie)).toBe(true);
    const header = (store: CookieSessionStore) => {
      const { session } = store.open(undefined);
      session.set('a', 'b');
      const action = store.commit(session);
      return action.kind === 'set' ? action.header : '';
    };
    expect(header(storeWith())).toMatch(/; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
    expect(header(storeWith({ cookie: { secure: false } }))).toMatch(/; Path=\/; HttpOnly; SameSite=Lax$/);
  });

  it('refuse impossible settings at construction, saying what to change', () => {
    const lifetime = thrown(() => storeWith({ lifetimeSeconds: 0 }));
    expect(lifetime).toBeInstanceOf(SessionConfigError);
    expect((lifetime as Error).message).toBe(
      'lifetimeSeconds must be a positive whole number of seconds, not 0.',
    );
    const size = thrown(() => storeWith({ maxCookieBytes: 63 }));
    expect(size).toBeInstanceOf(SessionConfigError);
    expect((size as Error).message).toBe('maxCookieBytes must be a whole number of at least 64, not 63.');
    expect(storeWith({ maxCookieBytes: 64 }).maxSessionBytes).toBe(64);
  });

  it('sign with the digest and salt given, which a store with the defaults refuses', () => {
    for (const options of [{ digest: 'sha256' }, { salt: 'another-salt' }] as const) {
      const custom = storeWith(options);
      const { session } = custom.open(undefined);
      session.set('a', 'b');
      const pair = cookiePair(custom.commit(session));
      expect(custom.open(pair).session.get('a')).toBe('b');
      expect(storeWith().open(pair).error).toBeInstanceOf(BadTimeSignature);
    }
  });
});

describe('update()', () => {
  it('puts the session back and throws SessionTooLarge with the sizes when the change does not fit', () => {
    const store = storeWith();
    const { session } = store.open(undefined);
    session.set('small', 'kept');
    const error = thrown(() => {
      store.update(session, (s) => s.set('blob', noise(5000)));
    });
    expect(error).toBeInstanceOf(SessionTooLarge);
    expect((error as SessionTooLarge).limitBytes).toBe(SESSION_DEFAULTS.maxCookieBytes);
    expect((error as SessionTooLarge).sizeBytes).toBeGreaterThan(5000);
    expect(session.get('blob')).toBeUndefined();
    expect(session.get('small')).toBe('kept');
  });
});

describe('values read from a cookie', () => {
  it('are typed read-only and really frozen, so an in-place change fails loudly instead of going unsaved', () => {
    const store = storeWith();
    const { session: writer } = store.open(undefined);
    writer.set('list', [{ n: 1 }]);
    const { session } = store.open<{ list?: { n: number }[] }>(cookiePair(store.commit(writer)));
    const list = session.get('list');
    // @ts-expect-error -- read-only: `npm run typecheck` fails if get() stops returning Readonly types
    const mutable: { n: number }[] | undefined = list;
    expect(() => mutable?.push({ n: 2 })).toThrow(TypeError);
    const item = mutable?.[0];
    expect(() => {
      if (item) item.n = 3;
    }).toThrow(TypeError);
    expect(session.get('list')).toEqual([{ n: 1 }]);
    expect(session.modified).toBe(false);
  });
});

describe('commit()', () => {
  it('sends nothing for a new session that was never written, and nothing for one only read', () => {
    const store = storeWith();
    expect(store.commit(store.open(undefined).session)).toEqual({ kind: 'none' });
    const { session } = openedAfter(store, store, (s) => s.set('a', 'b'));
    expect(session.get('a')).toBe('b');
    expect(store.commit(session)).toEqual({ kind: 'none' });
  });

  it('deletes the cookie, with its path and domain, when a session is emptied', () => {
    const store = storeWith({ cookie: { path: '/app', domain: 'example.test' } });
    const { session } = openedAfter(store, store, (s) => s.set('a', 'b'));
    session.clear();
    expect(store.commit(session)).toEqual({
      kind: 'delete',
      header:
        'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.test; Path=/app; Secure; HttpOnly; SameSite=Lax',
    });
  });

  it('re-signs with the current key a session a fallback key verified, keeping its data', () => {
    const store = storeWith({ fallbackSecretKeys: [OLD_SECRET] });
    const { session } = openedAfter(storeWith({ secretKey: OLD_SECRET }), store, (s) => s.set('a', 'b'));
    const action = store.commit(session);
    const reopened = storeWith().open(cookiePair(action));
    expect(reopened.error).toBeUndefined();
    expect(reopened.session.get('a')).toBe('b');
  });

  it('does not re-sign a session the current key verified', () => {
    const store = storeWith({ fallbackSecretKeys: [OLD_SECRET] });
    const { session } = openedAfter(store, store, (s) => s.set('a', 'b'));
    expect(store.commit(session)).toEqual({ kind: 'none' });
  });

  it('refreshes a permanent session that was read, with a new timestamp and Expires', () => {
    let now = T0;
    const store = storeWith({ now: () => now, lifetimeSeconds: 3600 });
    const { session } = openedAfter(store, store, (s) => {
      s.set('a', 'b');
      s.permanent = true;
    });
    now += 60_000;
    session.get('a');
    const action = store.commit(session);
    expect(action.kind).toBe('set');
    expect(action.kind === 'set' && action.header).toContain(
      `; Expires=${new Date(now + 3600_000).toUTCString()}; Max-Age=3600;`,
    );
  });

  it('does not refresh a permanent session that was not used, nor any when refreshEachRequest is off', () => {
    const store = storeWith();
    const permanent = (s: Session) => {
      s.set('a', 'b');
      s.permanent = true;
    };
    expect(store.commit(openedAfter(store, store, permanent).session)).toEqual({ kind: 'none' });
    const noRefresh = storeWith({ refreshEachRequest: false });
    const { session } = openedAfter(noRefresh, noRefresh, permanent);
    session.get('a');
    expect(noRefresh.commit(session)).toEqual({ kind: 'none' });
  });

  it('skips refreshes and re-signs on error responses (status 400 and up), but not real changes', () => {
    const store = storeWith({ fallbackSecretKeys: [OLD_SECRET], permanent: true });
    const { session } = openedAfter(storeWith({ secretKey: OLD_SECRET }), store, (s) => s.set('a', 'b'));
    session.get('a');
    expect(store.commit(session, 400)).toEqual({ kind: 'none' });
    expect(store.commit(session, 500)).toEqual({ kind: 'none' });
    expect(store.commit(session, 399).kind).toBe('set');
    session.set('a', 'c');
    expect(store.commit(session, 500).kind).toBe('set');
  });

  it('answers too-large, with the sizes, for a changed session over the limit, and skips an oversize refresh', () => {
    const big = storeWith();
    const { session } = big.open(undefined);
    session.set('blob', noise(3000));
    session.permanent = true;
    const cookie = cookiePair(big.commit(session));
    // The same session, opened by a store whose limit it no longer fits.
    const small = storeWith({ maxCookieBytes: 2048 });
    const opened = small.open(cookie).session;
    opened.get('blob');
    expect(small.commit(opened)).toEqual({ kind: 'none' });
    opened.set('more', 'x');
    const action = small.commit(opened);
    expect(action).toEqual({ kind: 'too-large', sizeBytes: small.measure(opened), limitBytes: 2048 });
  });

  it('does not serve a cached action after the session changed, or after a restore', () => {
    const store = storeWith();
    const { session } = store.open(undefined);
    session.set('a', '1');
    const first = store.commit(session);
    expect(store.commit(session)).toBe(first);
    const snapshot = session.snapshot();
    session.set('a', '2');
    const second = store.commit(session);
    expect(storeWith().open(cookiePair(second)).session.get('a')).toBe('2');
    session.restore(snapshot);
    expect(
      storeWith()
        .open(cookiePair(store.commit(session)))
        .session.get('a'),
    ).toBe('1');
  });

  it('does not serve a cached action in a later second, nor across the error-status line', () => {
    let now = T0;
    const store = storeWith({ now: () => now });
    const { session } = store.open(undefined);
    session.set('a', '1');
    session.permanent = true;
    const first = store.commit(session);
    now += 1000;
    const later = store.commit(session);
    expect(later).not.toEqual(first);
    expect(later.kind === 'set' && later.header).toContain(new Date(now + 31 * 86400_000).toUTCString());
    const opened = openedAfter(store, store, (s) => {
      s.set('a', 'b');
      s.permanent = true;
    }).session;
    opened.get('a');
    expect(store.commit(opened, 200).kind).toBe('set');
    expect(store.commit(opened, 404)).toEqual({ kind: 'none' });
  });

  it('sends a cookie exactly as long as maxCookieBytes, and refuses one byte more', () => {
    const { session } = storeWith().open(undefined);
    session.set('a', 'b');
    const size = storeWith().measure(session);
    expect(storeWith({ maxCookieBytes: size }).commit(session).kind).toBe('set');
    expect(storeWith({ maxCookieBytes: size - 1 }).commit(session)).toEqual({
      kind: 'too-large',
      sizeBytes: size,
      limitBytes: size - 1,
    });
  });

  it('refreshing a Flask cookie with "_permanent": false, writes the flag true and other keys as Flask wrote them', () => {
    const flaskLike = storeWith();
    // Flask writes 1.0 for a Python float, which JavaScript would write back as 1.
    const payload = flaskLike.serializer.dumpPayload(
      { _permanent: false, ratio: 1 },
      new Map([['ratio', '1.0']]),
    );
    const cookie = `session=${flaskLike.serializer.signPayload(payload, T0 / 1000)}`;
    const store = storeWith({ permanent: true });
    const { session } = store.open(cookie);
    expect(session.get('ratio')).toBe(1);
    const refreshed = flaskLike.serializer.loads(cookiePair(store.commit(session)).slice('session='.length));
    expect(refreshed.data).toEqual({ _permanent: true, ratio: 1 });
    expect(refreshed.sources.get('ratio')).toBe('1.0');
  });

  it('writes a permanent store\'s _permanent flag over a Flask "_permanent": false it read', () => {
    const store = storeWith({ permanent: true });
    const flaskLike = storeWith();
    const { session } = openedAfter(flaskLike, store, (s) => {
      s.set('a', 'b');
      s.permanent = false;
    });
    session.set('c', 'd');
    const reopened = flaskLike.open(cookiePair(store.commit(session))).session;
    expect(reopened.permanent).toBe(true);
  });
});

describe('open()', () => {
  it('reads the cookie by its configured name only', () => {
    const store = storeWith({ cookie: { name: 'sid' } });
    expect(store.cookieName).toBe('sid');
    const { session } = store.open(undefined);
    session.set('a', 'b');
    const pair = cookiePair(store.commit(session));
    expect(pair.startsWith('sid=')).toBe(true);
    expect(store.open(`other=1; ${pair}`).session.get('a')).toBe('b');
    expect(storeWith().open(pair.replace('sid=', 'session=')).session.get('a')).toBe('b');
    expect(store.open(pair.replace('sid=', 'session=')).session.isEmpty).toBe(true);
  });

  it('gives a new empty session, without an error, for no cookie or an empty one', () => {
    const store = storeWith();
    for (const header of [undefined, '', 'session=', 'other=1']) {
      const opened = store.open(header);
      expect(opened.session.isNew).toBe(true);
      expect(opened.error).toBeUndefined();
    }
  });

  it('gives a new empty session and the error for a cookie signed with another key', () => {
    const { session: writer } = storeWith({ secretKey: 'another-key' }).open(undefined);
    writer.set('a', 'b');
    const opened = storeWith().open(cookiePair(storeWith({ secretKey: 'another-key' }).commit(writer)));
    expect(opened.session.isNew).toBe(true);
    expect(opened.session.isEmpty).toBe(true);
    expect(opened.error).toBeInstanceOf(BadTimeSignature);
  });

  it('marks a session from a valid cookie as not new', () => {
    const store = storeWith();
    expect(openedAfter(store, store, (s) => s.set('a', 'b')).session.isNew).toBe(false);
  });
});

describe('measure()', () => {
  it('gives the size of the cookie a new, untouched session would take', () => {
    const store = storeWith();
    const { session } = store.open(undefined);
    const bytes = store.measure(session);
    session.set('a', 'b');
    expect(bytes).toBeGreaterThan('session=; Path=/; Secure; HttpOnly; SameSite=Lax'.length);
    expect(store.measure(session)).toBeGreaterThan(bytes);
  });
});

describe('signing once per request', () => {
  it('signs once for an update() and the commit() that follows within the same second', () => {
    let now = T0;
    const store = storeWith({ now: () => now });
    const sign = vi.spyOn(store.serializer, 'signPayload');
    const { session } = store.open(undefined);
    store.update(session, (s) => s.set('a', 'b'));
    now += 400;
    const first = store.commit(session);
    now += 500;
    expect(store.commit(session)).toBe(first);
    expect(sign).toHaveBeenCalledTimes(1);
  });

  it('signs again after a change, and measure() always measures the session as it is now', () => {
    const store = storeWith();
    const sign = vi.spyOn(store.serializer, 'signPayload');
    const { session } = store.open(undefined);
    session.set('a', 'b');
    store.commit(session);
    store.commit(session);
    expect(sign).toHaveBeenCalledTimes(1);
    session.set('a', 'cc');
    const measured = store.measure(session);
    expect(sign).toHaveBeenCalledTimes(2);
    expect(committedBytes(store.commit(session))).toBe(measured);
  });

  it('re-signs an unchanged session from its received payload, without encoding it again', () => {
    const store = storeWith({ fallbackSecretKeys: [OLD_SECRET] });
    const { session } = openedAfter(storeWith({ secretKey: OLD_SECRET }), store, (s) => s.set('a', 'b'));
    const dump = vi.spyOn(store.serializer, 'dumpPayload');
    expect(store.commit(session).kind).toBe('set');
    expect(dump).not.toHaveBeenCalled();
  });
});

describe('destroy, regenerate, touch and refreshNonPermanent', () => {
  it('touch() re-signs a non-permanent session with a fresh timestamp and no Max-Age, the same payload', () => {
    let now = T0;
    const store = storeWith({ now: () => now });
    const first = cookiePair(store.commit(withN(store)));
    now += 60_000;
    const { session } = store.open(first);
    session.touch();
    const action = store.commit(session);
    const pair = cookiePair(action);
    expect(pair).not.toBe(first);
    expect(pair.split('.')[0]).toBe(first.split('.')[0]);
    expect(action.kind === 'set' && action.header).not.toContain('Max-Age');
  });

  it('touch() is skipped on an error response, and on a session nobody touched nothing is sent', () => {
    const store = storeWith();
    const cookie = cookiePair(store.commit(withN(store)));
    const { session } = store.open(cookie);
    session.get('n');
    expect(store.commit(session)).toEqual({ kind: 'none' });
    session.touch();
    expect(store.commit(session, 400)).toEqual({ kind: 'none' });
    expect(store.commit(session, 200).kind).toBe('set');
  });

  it('refreshNonPermanent re-sends a non-permanent session that was used, not one left alone', () => {
    const store = storeWith({ refreshNonPermanent: true });
    const cookie = cookiePair(store.commit(withN(store)));
    expect(store.commit(store.open(cookie).session)).toEqual({ kind: 'none' });
    const { session } = store.open(cookie);
    session.get('n');
    const action = store.commit(session);
    expect(action.kind).toBe('set');
    expect(action.kind === 'set' && action.header).not.toContain('Max-Age');
    expect(store.commit(session, 400)).toEqual({ kind: 'none' });
  });

  it('refreshNonPermanent leaves permanent sessions to refreshEachRequest', () => {
    const store = storeWith({ refreshNonPermanent: true, refreshEachRequest: false, permanent: true });
    const cookie = cookiePair(store.commit(withN(store)));
    const { session } = store.open(cookie);
    session.get('n');
    expect(store.commit(session)).toEqual({ kind: 'none' });
    expect(storeWith().refreshNonPermanent).toBe(false);
  });

  it('destroy() deletes the cookie, even of an empty session; regenerate() re-issues the data, even on an error response', () => {
    const store = storeWith();
    const cookie = cookiePair(store.commit(withN(store)));
    for (const opened of [store.open(cookie).session, store.open(undefined).session]) {
      opened.destroy();
      expect(store.commit(opened).kind).toBe('delete');
    }
    const { session } = store.open(cookie);
    session.regenerate();
    expect(cookiePair(store.commit(session, 500))).toBe(cookie);
  });
});

/** A new session holding `{ n: 1 }`. */
function withN(store: CookieSessionStore): Session {
  const { session } = store.open(undefined);
  session.set('n', 1);
  return session;
}
