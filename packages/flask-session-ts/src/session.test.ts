import { describe, expect, it } from 'vitest';
import { thrown } from '../test/support/thrown.js';

import { UndecodableSession, UnstorableValue } from './errors.js';
import { Session } from './session.js';
import type { SessionData } from './tagged-json.js';

/** A session as opened from a valid cookie holding `data`. */
function opened(data: SessionData): Session {
  return new Session(data, false);
}

describe('a new session', () => {
  it('is new, empty, unmodified and unaccessed', () => {
    const session = new Session();
    expect(session.isNew).toBe(true);
    expect(session.isEmpty).toBe(true);
    expect(session.modified).toBe(false);
    expect(session.accessed).toBe(false);
  });

  it('is not new when opened from a cookie', () => {
    expect(opened({ a: 1 }).isNew).toBe(false);
  });
});

describe('reading', () => {
  it('gives the stored value', () => {
    expect(opened({ theme: 'dark' }).get('theme')).toBe('dark');
  });

  it('marks the session accessed but not modified', () => {
    const session = opened({ theme: 'dark' });
    session.get('theme');
    expect(session.accessed).toBe(true);
    expect(session.modified).toBe(false);
  });

  it('marks the session accessed when checking for a key', () => {
    const session = opened({ theme: 'dark' });
    expect(session.has('theme')).toBe(true);
    expect(session.accessed).toBe(true);
    expect(session.modified).toBe(false);
  });

  it('gives undefined for an absent key', () => {
    const session = new Session();
    expect(session.get('missing')).toBeUndefined();
    expect(session.has('missing')).toBe(false);
  });

  // Regression test for a fixed bug (session.ts, `get` and `has`): the data is an ordinary object, so `this.#data[key]`
  // finds members of Object.prototype. get('constructor') returns the Object function (typed
  // as a SessionValue) and has('toString') is true in an empty session.
  it('gives undefined for an absent key named like an Object.prototype member', () => {
    const session = new Session();
    expect(session.get('constructor')).toBeUndefined();
    expect(session.has('toString')).toBe(false);
  });
});

describe('writing', () => {
  it('stores the value', () => {
    const session = new Session();
    session.set('theme', 'dark');
    expect(session.get('theme')).toBe('dark');
    expect(session.toJSON()).toEqual({ theme: 'dark' });
  });

  // Regression test for a fixed bug (session.ts, `set`): `this.#data[key] = value` with key "__proto__" replaces the data
  // object's prototype instead of adding a key, so the value's properties show through as
  // session keys (get('admin') is true below), isEmpty turns false, and dumps() writes "{}".
  it('stores a value under "__proto__" as an ordinary key, not as the data’s prototype', () => {
    const session = new Session();
    session.set('__proto__', { admin: true });
    expect(session.get('admin')).toBeUndefined();
    expect(Object.keys(session.toJSON())).toEqual(['__proto__']);
  });

  it('marks the session both accessed and modified', () => {
    const session = new Session();
    session.set('theme', 'dark');
    expect(session.accessed).toBe(true);
    expect(session.modified).toBe(true);
  });

  it('raises the revision with every change', () => {
    const session = new Session();
    const before = session.revision;
    session.set('a', 1);
    session.set('a', 2);
    expect(session.revision).toBe(before + 2);
  });

  it('marks the session modified on request, after a value was changed in place', () => {
    const session = opened({ list: [1] });
    session.markModified();
    expect(session.modified).toBe(true);
    expect(session.accessed).toBe(true);
  });
});

describe('deleting', () => {
  it('removes a present key and marks the session modified', () => {
    const session = opened({ a: 1, b: 2 });
    session.delete('a');
    expect(session.toJSON()).toEqual({ b: 2 });
    expect(session.modified).toBe(true);
  });

  it('does not count deleting an absent key as a modification', () => {
    const session = opened({ a: 1 });
    session.delete('missing');
    expect(session.modified).toBe(false);
    expect(session.accessed).toBe(true);
    expect(session.toJSON()).toEqual({ a: 1 });
  });

  // Regression test for a fixed bug (session.ts, `delete`): `key in this.#data` is true for inherited names, so deleting
  // an absent "constructor" or "toString" marks the session modified (an empty session then
  // answers with a cookie-deleting Set-Cookie). `Object.hasOwn` would be the check.
  it('does not count deleting an absent key named like an Object.prototype member as a modification', () => {
    const session = opened({ a: 1 });
    session.delete('constructor');
    expect(session.modified).toBe(false);
  });
});

describe('clearing', () => {
  it('empties the session and marks it modified', () => {
    const session = opened({ a: 1 });
    session.clear();
    expect(session.isEmpty).toBe(true);
    expect(session.modified).toBe(true);
  });

  it('does not count clearing an empty session as a modification', () => {
    const session = new Session();
    session.clear();
    expect(session.modified).toBe(false);
    expect(session.accessed).toBe(true);
  });
});

describe('isEmpty', () => {
  it('ignores keys whose value is undefined', () => {
    expect(opened({ a: undefined }).isEmpty).toBe(true);
  });

  it('is false when any key holds a value, even null', () => {
    expect(opened({ a: null }).isEmpty).toBe(false);
  });
});

describe('permanent', () => {
  it('is false unless stored', () => {
    expect(new Session().permanent).toBe(false);
  });

  it('is stored as `_permanent`, the key Flask uses', () => {
    const session = new Session();
    session.permanent = true;
    expect(session.toJSON()).toEqual({ _permanent: true });
    expect(session.modified).toBe(true);
  });

  it('is read from `_permanent` in a Flask cookie', () => {
    expect(opened({ _permanent: true }).permanent).toBe(true);
  });

  it('does not count setting the value it already has as a modification', () => {
    const session = opened({ _permanent: true });
    session.permanent = true;
    expect(session.modified).toBe(false);
  });

  it('is stored as false when turned off', () => {
    const session = opened({ _permanent: true, a: 1 });
    session.permanent = false;
    expect(session.toJSON()).toEqual({ _permanent: false, a: 1 });
    expect(session.permanent).toBe(false);
  });
});

describe('flash messages', () => {
  it('appends [category, message] pairs under `_flashes`, the key Flask uses', () => {
    const session = new Session();
    session.flash('success', 'Saved!');
    session.flash('error', 'Oops');
    expect(session.toJSON()).toEqual({
      _flashes: [
        ['success', 'Saved!'],
        ['error', 'Oops'],
      ],
    });
    expect(session.modified).toBe(true);
  });

  it('appends to messages that came in the cookie', () => {
    const session = opened({ _flashes: [['info', 'first']] });
    session.flash('info', 'second');
    expect(session.toJSON()._flashes).toEqual([
      ['info', 'first'],
      ['info', 'second'],
    ]);
  });

  it('returns the queued messages in order and removes them', () => {
    const session = opened({
      _flashes: [
        ['success', 'Saved!'],
        ['error', 'Oops'],
      ],
      a: 1,
    });
    expect(session.consumeFlashes()).toEqual([
      ['success', 'Saved!'],
      ['error', 'Oops'],
    ]);
    expect(session.toJSON()).toEqual({ a: 1 });
    expect(session.modified).toBe(true);
  });

  it('returns nothing and changes nothing when no messages are queued', () => {
    const session = opened({ a: 1 });
    expect(session.consumeFlashes()).toEqual([]);
    expect(session.modified).toBe(false);
    expect(session.accessed).toBe(true);
  });

  it('keeps only well-formed pairs of malformed `_flashes`, and still removes them', () => {
    const session = opened({
      _flashes: [
        ['ok', 'kept'],
        'junk',
        ['too', 'many', 'parts'],
        ['number', 1],
        null,
        [1, 'x'],
        ['also', 'kept'],
      ],
    });
    expect(session.consumeFlashes()).toEqual([
      ['ok', 'kept'],
      ['also', 'kept'],
    ]);
    expect(session.toJSON()).toEqual({});
  });

  it('treats `_flashes` that is not an array as no messages, and still removes it', () => {
    const session = opened({ _flashes: 'not a list' });
    expect(session.consumeFlashes()).toEqual([]);
    expect(session.toJSON()).toEqual({});
  });

  it('starts a fresh list when flashing onto malformed `_flashes`', () => {
    const session = opened({ _flashes: { not: 'a list' } });
    session.flash('info', 'hello');
    expect(session.toJSON()).toEqual({ _flashes: [['info', 'hello']] });
  });
});

describe('snapshot and restore', () => {
  it('puts back the data and the modified flag as they were', () => {
    const session = opened({ a: 1 });
    const snapshot = session.snapshot();
    session.set('a', 2);
    session.set('b', 3);
    session.restore(snapshot);
    expect(session.toJSON()).toEqual({ a: 1 });
    expect(session.modified).toBe(false);
  });

  it('is not affected by changes made after it was taken', () => {
    const session = new Session();
    session.set('a', 1);
    const snapshot = session.snapshot();
    session.set('a', 2);
    session.delete('a');
    expect(snapshot.data).toEqual({ a: 1 });
    expect(snapshot.modified).toBe(true);
  });

  it('can be restored more than once', () => {
    const session = opened({ a: 1 });
    const snapshot = session.snapshot();
    session.set('a', 2);
    session.restore(snapshot);
    session.set('a', 3);
    session.restore(snapshot);
    expect(session.toJSON()).toEqual({ a: 1 });
  });

  it('raises the revision on restore, so nothing computed from the discarded state is reused', () => {
    const session = opened({ a: 1 });
    const snapshot = session.snapshot();
    session.set('a', 2);
    const revision = session.revision;
    session.restore(snapshot);
    expect(session.revision).toBeGreaterThan(revision);
  });
});

describe('changed keys (what a server-side store saves)', () => {
  it('list each key set or deleted since the session was opened', () => {
    const session = opened({ a: 1, b: 2 });
    expect(session.changedKeys).toEqual(new Set());
    session.set('a', 3);
    session.delete('b');
    expect(session.changedKeys).toEqual(new Set(['a', 'b']));
  });

  it('become all keys after clear() or markModified(), and stay so as more keys are set', () => {
    const session = opened({ a: 1 });
    session.markModified();
    session.set('b', 2);
    session.delete('a');
    expect(session.changedKeys).toBe('all');
    const cleared = opened({ a: 1 });
    cleared.clear();
    cleared.set('c', 3);
    expect(cleared.changedKeys).toBe('all');
  });

  it('come back with restore(), as they were at the snapshot', () => {
    const session = opened({ a: 1 });
    session.set('a', 2);
    const some = session.snapshot();
    session.set('b', 3);
    session.markModified();
    const all = session.snapshot();
    session.restore(some);
    expect(session.changedKeys).toEqual(new Set(['a']));
    session.restore(all);
    expect(session.changedKeys).toBe('all');
    session.restore(some);
    expect(session.changedKeys).toEqual(new Set(['a']));
  });

  it('are none after restoring a snapshot that does not say', () => {
    const session = opened({ a: 1 });
    session.set('a', 2);
    session.restore({ data: { a: 1 }, modified: false });
    expect(session.changedKeys).toEqual(new Set());
  });
});

describe('source texts of unchanged keys', () => {
  const SOURCES = new Map([
    ['pair', '{" t":[1,2]}'],
    ['ratio', '1.0'],
    ['_permanent', 'false'],
    ['_flashes', '[]'],
  ]);

  function fromCookie(): Session {
    return new Session({ pair: [1, 2], ratio: 1, _permanent: false, _flashes: [] }, false, SOURCES);
  }

  it('are kept as read, in a copy the caller cannot change through the session', () => {
    const session = fromCookie();
    expect([...session.sources]).toEqual([...SOURCES]);
    session.set('ratio', 2);
    expect(SOURCES.get('ratio')).toBe('1.0');
  });

  it('drop the key that is set or deleted, and only it', () => {
    const session = fromCookie();
    session.set('ratio', 2);
    expect([...session.sources.keys()]).toEqual(['pair', '_permanent', '_flashes']);
    session.delete('pair');
    expect([...session.sources.keys()]).toEqual(['_permanent', '_flashes']);
  });

  it('drop the flag when permanence changes, and the flashes when one is queued or consumed', () => {
    const session = fromCookie();
    session.permanent = true;
    expect(session.sources.has('_permanent')).toBe(false);
    session.flash('info', 'hi');
    expect(session.sources.has('_flashes')).toBe(false);
    const other = fromCookie();
    other.consumeFlashes();
    expect(other.sources.has('_flashes')).toBe(false);
    expect(other.sources.has('pair')).toBe(true);
  });

  it('all go on clear() and markModified(), which cannot say which key changed', () => {
    const cleared = fromCookie();
    cleared.clear();
    expect(cleared.sources.size).toBe(0);
    const marked = fromCookie();
    marked.markModified();
    expect(marked.sources.size).toBe(0);
  });

  it('come back with restore(), as they were at the snapshot', () => {
    const session = fromCookie();
    const snapshot = session.snapshot();
    session.set('pair', 'x');
    session.markModified();
    session.restore(snapshot);
    expect([...session.sources]).toEqual([...SOURCES]);
    expect(session.get('pair')).toEqual([1, 2]);
  });
});

describe('destroy, regenerate and touch (done by the store at commit)', () => {
  it('destroy empties the session, marks it modified and asks for a new id, even when it was empty', () => {
    for (const data of [{ a: 1 }, {}]) {
      const session = opened(data);
      const revision = session.revision;
      session.destroy();
      expect(session.isEmpty).toBe(true);
      expect(session.modified).toBe(true);
      expect(session.accessed).toBe(true);
      expect(session.regenerated).toBe(true);
      expect(session.changedKeys).toBe('all');
      expect(session.revision).toBeGreaterThan(revision);
    }
  });

  it('regenerate keeps the data, its changed keys and source texts by default', () => {
    const session = new Session({ a: 1, b: 2 }, false, new Map([['a', '1.0']]));
    session.set('b', 3);
    const revision = session.revision;
    session.regenerate();
    expect(session.regenerated).toBe(true);
    expect(session.modified).toBe(true);
    expect(session.accessed).toBe(true);
    expect(session.revision).toBeGreaterThan(revision);
    expect({ ...session.toJSON() }).toEqual({ a: 1, b: 3 });
    expect([...(session.changedKeys as ReadonlySet<string>)]).toEqual(['b']);
    expect([...session.sources]).toEqual([['a', '1.0']]);
  });

  it('regenerate({ keepData: false }) empties the session; what is set afterwards is all there is', () => {
    const session = new Session({ a: 1 }, false, new Map([['a', '1.0']]));
    session.regenerate({ keepData: false });
    expect(session.isEmpty).toBe(true);
    expect(session.sources.size).toBe(0);
    session.set('user', 'ann');
    expect({ ...session.toJSON() }).toEqual({ user: 'ann' });
    expect(session.changedKeys).toBe('all');
  });

  it('regenerate({ keepData: true }) is the default', () => {
    const session = opened({ a: 1 });
    session.regenerate({ keepData: true });
    expect({ ...session.toJSON() }).toEqual({ a: 1 });
    expect(session.changedKeys).toEqual(new Set());
  });

  it('touch asks for a refresh without modifying the session', () => {
    const session = opened({ a: 1 });
    const revision = session.revision;
    expect(session.touched).toBe(false);
    session.touch();
    expect(session.touched).toBe(true);
    expect(session.modified).toBe(false);
    expect(session.accessed).toBe(true);
    expect(session.regenerated).toBe(false);
    expect(session.revision).toBeGreaterThan(revision);
  });

  it('snapshot and restore carry the requests; a snapshot that does not say leaves them', () => {
    const session = opened({ a: 1 });
    const before = session.snapshot();
    session.regenerate();
    session.touch();
    const after = session.snapshot();
    expect(after).toMatchObject({ regenerated: true, touched: true });
    session.restore({ data: { b: 2 }, modified: true });
    expect([session.regenerated, session.touched]).toEqual([true, true]);
    session.restore(before);
    expect([session.regenerated, session.touched]).toEqual([false, false]);
    session.restore(after);
    expect([session.regenerated, session.touched]).toEqual([true, true]);
  });
});

describe('values a session cannot hold', () => {
  it('are refused by set(), naming the key, and leave the session unchanged', () => {
    const session = opened({ a: 1 });
    const error = thrown(() => session.set('cart', { items: [new Set([1])] } as never));
    expect(error).toBeInstanceOf(UnstorableValue);
    expect(error).toMatchObject({ key: 'cart', path: 'cart.items[0]', reason: 'unsupported-type' });
    expect(session.modified).toBe(false);
    expect(session.has('cart')).toBe(false);
    expect(session.changedKeys).toEqual(new Set());
  });

  it('include a cycle, said as such rather than as a stack overflow', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    expect(thrown(() => new Session().set('c', cyclic as never))).toMatchObject({
      reason: 'cycle',
      path: 'c.me',
    });
  });
});

describe('a session standing for an undecodable cookie', () => {
  const undecodable = () => {
    const session = new Session();
    session.keepUndecodable(new UndecodableSession('too-large'));
    return session;
  };

  it('says so, and is empty and unmodified', () => {
    const session = undecodable();
    expect(session.undecodable).toMatchObject({ reason: 'too-large' });
    expect(session.isEmpty).toBe(true);
    expect(session.modified).toBe(false);
  });

  it('keeps the mark through changes, so that the store can refuse them', () => {
    const session = undecodable();
    session.set('a', 1);
    expect(session.undecodable).toBeInstanceOf(UndecodableSession);
  });

  it('loses the mark on clear(), which is then a change (the cookie is to be deleted)', () => {
    const session = undecodable();
    session.clear();
    expect(session.undecodable).toBeUndefined();
    expect(session.modified).toBe(true);
    expect(session.changedKeys).toBe('all');
  });

  it('is not marked unless a store marks it', () => {
    expect(new Session().undecodable).toBeUndefined();
  });

  it('loses the mark on destroy(), which ends the session as for any other', () => {
    const session = undecodable();
    session.destroy();
    expect(session.undecodable).toBeUndefined();
    expect(session.regenerated).toBe(true);
    expect(session.modified).toBe(true);
    expect(session.isEmpty).toBe(true);
  });

  it('loses the mark on regenerate(), which starts empty even with keepData: nothing was read to keep', () => {
    for (const options of [undefined, { keepData: true }, { keepData: false }]) {
      const session = undecodable();
      session.regenerate(options);
      expect(session.undecodable).toBeUndefined();
      expect(session.regenerated).toBe(true);
      expect(session.changedKeys).toBe('all');
      session.set('user', 'ann');
      expect({ ...session.toJSON() }).toEqual({ user: 'ann' });
    }
  });

  it('comes back with a snapshot taken before it was discarded; a snapshot that does not say leaves it', () => {
    const session = undecodable();
    const before = session.snapshot();
    session.clear();
    const after = session.snapshot();
    session.restore(before);
    expect(session.undecodable).toMatchObject({ reason: 'too-large' });
    session.restore({ data: {}, modified: false });
    expect(session.undecodable).toMatchObject({ reason: 'too-large' });
    session.restore(after);
    expect(session.undecodable).toBeUndefined();
  });
});

describe('data given to the constructor', () => {
  /** Frozen, as the decode cache hands a cookie's data to every request that brings the cookie. */
  function sharedCookie(): { data: SessionData; sources: ReadonlyMap<string, string> } {
    const data = Object.freeze(
      JSON.parse('{"_permanent":true,"_flashes":[["info","hi"]],"cart":[1,2],"theme":"dark"}') as SessionData,
    );
    const sources = new Map([
      ['_permanent', 'true'],
      ['_flashes', '[["info","hi"]]'],
      ['cart', '[1,2]'],
      ['theme', '"dark"'],
    ]);
    return { data, sources };
  }

  const changes: [string, (session: Session) => void][] = [
    ['set', (s) => s.set('theme', 'light')],
    ['set of a new key', (s) => s.set('lang', 'fr')],
    ['delete', (s) => s.delete('cart')],
    ['flash', (s) => s.flash('error', 'oops')],
    ['consumeFlashes', (s) => void s.consumeFlashes()],
    ['permanent = false', (s) => (s.permanent = false)],
    ['markModified', (s) => s.markModified()],
    ['clear', (s) => s.clear()],
    ['regenerate without the data', (s) => s.regenerate({ keepData: false })],
    ['restore of another snapshot', (s) => s.restore(new Session({ other: 1 }).snapshot())],
  ];

  it.each(changes)('is left as it was by %s, for every other session made from it', (_, change) => {
    const { data, sources } = sharedCookie();
    const json = JSON.stringify(data);
    const first = new Session(data, false, sources);
    const second = new Session(data, false, sources);
    change(first);
    expect(JSON.stringify(data)).toBe(json);
    expect([...sources.keys()]).toEqual(['_permanent', '_flashes', 'cart', 'theme']);
    expect(second.toJSON()).toEqual(JSON.parse(json));
    expect([...second.sources.keys()]).toEqual(['_permanent', '_flashes', 'cart', 'theme']);
    // The change did happen, to the first session's own copy.
    expect(first.revision).toBeGreaterThan(second.revision);
  });

  it('is read where it is until a change: the first change copies it, then changes the copy', () => {
    const { data, sources } = sharedCookie();
    const session = new Session(data, false, sources);
    expect(session.toJSON()).toBe(data);
    expect(session.sources).toBe(sources);
    session.set('theme', 'light');
    expect(session.toJSON()).not.toBe(data);
    expect(session.toJSON()).toEqual({ ...JSON.parse(JSON.stringify(data)), theme: 'light' });
    expect(session.sources).not.toBe(sources);
    expect([...session.sources.keys()]).toEqual(['_permanent', '_flashes', 'cart']);
  });

  it('is copied once: later changes change the same copy', () => {
    const { data, sources } = sharedCookie();
    const session = new Session(data, false, sources);
    session.set('lang', 'fr');
    // Not in the sources: they stay the caller's until a key of theirs changes.
    expect(session.sources).toBe(sources);
    const copy = session.toJSON();
    session.set('theme', 'light');
    expect(session.toJSON()).toBe(copy);
    const ownSources = session.sources;
    expect(ownSources).not.toBe(sources);
    session.set('cart', [3]);
    session.delete('lang');
    const afterDelete = session.toJSON();
    session.set('lang', 'de');
    expect(session.toJSON()).toBe(afterDelete);
    expect(session.sources).toBe(ownSources);
    expect([...session.sources.keys()]).toEqual(['_permanent', '_flashes']);
  });

  it('owns the sources a snapshot restores: changes after it go to the same map', () => {
    const { data, sources } = sharedCookie();
    const session = new Session(data, false, sources);
    const before = session.snapshot();
    session.set('theme', 'light');
    session.restore(before);
    const restored = session.sources;
    expect(restored).not.toBe(sources);
    session.set('cart', [3]);
    expect(session.sources).toBe(restored);
    expect([...restored.keys()]).toEqual(['_permanent', '_flashes', 'theme']);
  });

  it('gives only its own keys: an inherited name is absent, an own "__proto__" key is read', () => {
    const data = Object.freeze(JSON.parse('{"__proto__":{"admin":true},"a":1}') as SessionData);
    const session = new Session(data, false);
    expect(session.get('constructor')).toBeUndefined();
    expect(session.has('toString')).toBe(false);
    expect(session.get('admin')).toBeUndefined();
    expect(session.get('__proto__')).toEqual({ admin: true });
    expect(session.isEmpty).toBe(false);
    expect(new Session(Object.freeze(Object.create({ a: 1 }) as SessionData), false).isEmpty).toBe(true);
  });

  it('is copied at once when it is not frozen: a later change to the caller’s object does not show', () => {
    const data: SessionData = { theme: 'dark' };
    const session = new Session(data, false);
    data['theme'] = 'light';
    expect(session.get('theme')).toBe('dark');
    expect(session.toJSON()).not.toBe(data);
  });

  it('is permanent only when its own _permanent is true', () => {
    expect(new Session(Object.freeze({ _permanent: true }), false).permanent).toBe(true);
    const inherited = Object.freeze(Object.create({ _permanent: true }) as SessionData);
    expect(new Session(inherited, false).permanent).toBe(false);
    expect(new Session(inherited, false).consumeFlashes()).toEqual([]);
  });
});
