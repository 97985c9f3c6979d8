/**
 * One behaviour suite, every store: the cookie, SQLite on a real file, a real Redis, a real
 * three-node Redis Cluster, and Flask-Session 0.8's layout on a real Redis (its defaults, and
 * signed ids of another length in JSON on sessions that are not permanent). Each "process" is a separate store
 * instance on the same backing.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieSessionStore } from '../cookie-store.js';
import { SessionTooLarge, UnknownSession } from '../errors.js';
import type { Session } from '../session.js';
import type { SessionStore } from '../store.js';
import {
  startRedis,
  startRedisCluster,
  stopAll,
  type RedisProcess,
} from '../../test/support/redis-server.js';
import { FlaskSessionRedisStore, type FlaskSessionRedisOptions } from './flask-session-redis.js';
import { RedisBackend, RedisSessionStore } from './redis.js';
import type { ServerSessionStore } from './server-store.js';
import { SqliteBackend, SqliteSessionStore } from './sqlite.js';

const secretKey = 'a test key that is long enough for the store suite';

interface Implementation {
  readonly name: string;
  /** Two writers of one session at once: both land, or the last one wins (the cookie). */
  readonly concurrent: 'all-land' | 'last-wins';
  /**
   * New sessions are permanent, so their data holds `_permanent: true`, as Flask keeps it
   * (Flask-Session's `SESSION_PERMANENT` defaults to true; this library's stores default to false).
   */
  readonly permanent: boolean;
  /**
   * A server-side store's cookie carrying an id that matches `id` (a RegExp source). Undefined for
   * the cookie store, which carries the data itself.
   */
  readonly idCookie: ((id: string) => RegExp) | undefined;
  /** A new session id (a RegExp source). */
  readonly randomId: string;
  setUp(): Promise<void>;
  /** A new store on the same backing: another worker process or app instance. */
  store(options?: StoreOptions): SessionStore;
  tearDown(): Promise<void>;
}

/** Options every store takes, named as the server-side stores name them. */
interface StoreOptions {
  permanent?: boolean;
  maxSessionBytes?: number;
  lifetimeSeconds?: number;
  refreshNonPermanent?: boolean;
  now?: () => number;
}

const opened: SessionStore[] = [];
function track<S extends SessionStore>(store: S): S {
  opened.push(store);
  return store;
}

/** An id as this library signs it: a SHA-256 HMAC. */
const librarySignedId = (id: string) => new RegExp(`^session=${id}\\.[A-Za-z0-9_-]{43}$`);
/** An id as Flask-Session's `SESSION_USE_SIGNER` signs it: itsdangerous, SHA-1 (27 characters). */
const flaskSessionSignedId = (id: string) => new RegExp(`^session=${id}\\.[A-Za-z0-9_-]{27}$`);
/** An id as Flask-Session carries it by default: the id itself, unsigned (its lookup is by raw id). */
const bareId = (id: string) => new RegExp(`^session=${id}$`);
/** A random session id of `bytes` bytes, URL-safe base64 (unpadded), as `token_urlsafe` makes it. */
const randomId = (bytes = 32) => `[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}`;
/** The id of an imported cookie's record: 42 characters of an HMAC and `_`. */
const IMPORTED_ID = '[A-Za-z0-9_-]{42}_';

let dir = '';
let redis: RedisProcess | undefined;
let cluster: Awaited<ReturnType<typeof startRedisCluster>> | undefined;

const implementations: Implementation[] = [
  {
    name: 'cookie',
    randomId: randomId(),
    concurrent: 'last-wins',
    permanent: false,
    idCookie: undefined,
    setUp: () => Promise.resolve(),
    store: ({ maxSessionBytes, ...o } = {}) =>
      new CookieSessionStore({
        secretKey,
        ...o,
        ...(maxSessionBytes ? { maxCookieBytes: maxSessionBytes } : {}),
      }),
    tearDown: () => Promise.resolve(),
  },
  {
    name: 'sqlite',
    randomId: randomId(),
    concurrent: 'all-land',
    permanent: false,
    idCookie: librarySignedId,
    setUp: () => {
      dir = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
      return Promise.resolve();
    },
    store: (o = {}) =>
      track(new SqliteSessionStore({ path: join(dir, 'sessions.sqlite3'), secretKey, ...o })),
    tearDown: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  },
  {
    name: 'redis',
    randomId: randomId(),
    concurrent: 'all-land',
    permanent: false,
    idCookie: librarySignedId,
    setUp: async () => {
      redis = await startRedis();
    },
    store: (o = {}) => track(new RedisSessionStore({ url: redis?.url ?? '', secretKey, ...o })),
    tearDown: async () => {
      if (redis) await stopAll([redis]);
    },
  },
  {
    name: 'redis-cluster',
    randomId: randomId(),
    concurrent: 'all-land',
    permanent: false,
    idCookie: librarySignedId,
    setUp: async () => {
      cluster = await startRedisCluster();
    },
    store: (o = {}) => track(new RedisSessionStore({ clusterNodes: cluster?.urls ?? [], secretKey, ...o })),
    tearDown: async () => {
      await cluster?.stop();
    },
  },
  flaskSessionRedis('flask-session-redis (Flask-Session 0.8 defaults)', {}),
  flaskSessionRedis('flask-session-redis (signed 16-byte ids, JSON, not permanent)', {
    useSigner: true,
    serializationFormat: 'json',
    permanent: false,
    idLengthBytes: 16,
  }),
];

/**
 * FlaskSessionRedisStore with `options`, on a Redis of its own. Held to every behaviour of the other
 * server stores; where Flask-Session 0.8's format decides otherwise, the suite asks the
 * implementation: sessions are permanent by default (`SESSION_PERMANENT`), and ids travel unsigned
 * by default or signed by itsdangerous with SHA-1 (`SESSION_USE_SIGNER`), as Flask-Session reads them.
 */
function flaskSessionRedis(
  name: string,
  options: Partial<FlaskSessionRedisOptions>,
): Omit<Implementation, 'store' | 'idCookie'> & {
  store(options?: StoreOptions): FlaskSessionRedisStore;
  readonly idCookie: (id: string) => RegExp;
} {
  let server: RedisProcess | undefined;
  return {
    name,
    concurrent: 'all-land',
    permanent: options.permanent ?? true,
    idCookie: options.useSigner === true ? flaskSessionSignedId : bareId,
    randomId: randomId(options.idLengthBytes),
    setUp: async () => {
      server = await startRedis();
    },
    store: (o = {}) =>
      track(new FlaskSessionRedisStore({ url: server?.url ?? '', secretKey, ...options, ...o })),
    tearDown: async () => {
      if (server) await stopAll([server]);
    },
  };
}

/** What a session holding `data` reads back as once `impl`'s store saved it. */
function saved(
  impl: { readonly permanent: boolean },
  data: Record<string, unknown>,
): Record<string, unknown> {
  return impl.permanent ? { ...data, _permanent: true } : data;
}

/** One request: open with `cookie`, run `handle`, commit; returns the cookie the browser then has. */
async function request(
  store: SessionStore,
  cookie: string,
  handle: (session: Session, store: SessionStore) => unknown,
): Promise<string> {
  const { session } = await store.open(cookie === '' ? undefined : cookie);
  await handle(session, store);
  const action = await store.commit(session);
  if (action.kind === 'too-large' || action.kind === 'failed') throw new Error(`commit: ${action.kind}`);
  if (action.kind === 'none') return cookie;
  const pair = action.header.split(';')[0] ?? '';
  return action.kind === 'delete' ? '' : pair;
}

async function read(store: SessionStore, cookie: string): Promise<Record<string, unknown>> {
  const { session } = await store.open(cookie);
  return { ...session.toJSON() };
}

describe.each(implementations)('$name store', (impl) => {
  beforeAll(() => impl.setUp());
  afterAll(async () => {
    await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
    await impl.tearDown();
  });

  it('gives a visitor without a cookie an empty session and sends no cookie for it', async () => {
    const store = impl.store();
    const { session } = await store.open(undefined);
    expect(session.isEmpty).toBe(true);
    expect(await store.commit(session)).toEqual({ kind: 'none' });
  });

  it('keeps what update saved for the next request', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    expect(cookie).toMatch(/^session=./);
    expect(await read(impl.store(), cookie)).toEqual(saved(impl, { n: 1 }));
  });

  it('refuses a tampered cookie with an empty session and the reason', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    const tampered = cookie.slice(0, -2) + (cookie.endsWith('AA') ? 'BB' : 'AA');
    const opened = await store.open(tampered);
    expect(opened.session.isEmpty).toBe(true);
    expect(opened.error).toBeDefined();
  });

  it('saves changes made outside update at commit', async () => {
    const store = impl.store();
    let cookie = await request(store, '', (s, st) => st.update(s, (x) => x.flash('info', 'hi')));
    cookie = await request(store, cookie, (s) => {
      expect(s.consumeFlashes()).toEqual([['info', 'hi']]);
      s.set('token', 't');
    });
    expect(await read(store, cookie)).toEqual(saved(impl, { token: 't' }));
  });

  it('deletes the cookie when the session is emptied', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    expect(await request(store, cookie, (s, st) => st.update(s, (x) => x.clear()))).toBe('');
  });

  it('refuses a change past the size limit and keeps what was saved', async () => {
    const store = impl.store({ maxSessionBytes: 2000 });
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('small', 'kept')));
    const { session } = await store.open(cookie);
    await expect(
      Promise.resolve().then(() =>
        store.update(session, (x) => x.set('big', randomBytes(3000).toString('hex'))),
      ),
    ).rejects.toBeInstanceOf(SessionTooLarge);
    expect(session.get('big')).toBeUndefined();
    expect(await read(store, cookie)).toEqual(saved(impl, { small: 'kept' }));
  });

  it(
    impl.concurrent === 'all-land'
      ? 'lands every one of many concurrent changes from two processes'
      : 'keeps only the last of concurrent changes (a cookie cannot merge two tabs)',
    async () => {
      const [a, b] = [impl.store(), impl.store()];
      const cookie = await request(a, '', (s, st) => st.update(s, (x) => x.set('list', [])));
      const add = (store: SessionStore, item: string) =>
        request(store, cookie, (s, st) =>
          st.update(s, (x) => x.set('list', [...((x.get('list') as string[] | undefined) ?? []), item])),
        );
      const cookies = await Promise.all(
        Array.from({ length: 20 }, (_, i) => add(i % 2 === 0 ? a : b, `item${i}`)),
      );
      const finalCookie = impl.concurrent === 'all-land' ? cookie : (cookies.at(-1) ?? '');
      const list = (await read(a, finalCookie)).list as string[];
      if (impl.concurrent === 'all-land')
        expect([...list].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `item${i}`).sort());
      else expect(list).toEqual(['item19']);
    },
  );

  it('does not undo a concurrent update when it saves a change made outside update', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('a', 1)));
    const page = await store.open(cookie);
    page.session.set('token', 'page'); // e.g. a CSRF token created while rendering
    await request(impl.store(), cookie, (s, st) => st.update(s, (x) => x.set('b', 2)));
    const action = await store.commit(page.session);
    const latest = action.kind === 'set' ? (action.header.split(';')[0] ?? '') : cookie;
    const data = await read(store, latest);
    if (impl.concurrent === 'all-land') expect(data).toEqual(saved(impl, { a: 1, b: 2, token: 'page' }));
    else expect(data).toEqual(saved(impl, { a: 1, token: 'page' }));
  });

  it('destroy() deletes the cookie; a server-side store removes the record, so the old cookie opens empty', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    const after = await request(store, cookie, (s) => s.destroy());
    expect(after).toBe('');
    const old = await store.open(cookie);
    if (impl.name === 'cookie') {
      // A signed cookie cannot be revoked: a copy stays valid until it expires (as in Flask).
      expect(old.session.get('n')).toBe(1);
    } else {
      expect(old.session.isEmpty).toBe(true);
      expect(old.error).toBeInstanceOf(UnknownSession);
    }
  });

  it('destroy() then set() starts a new session holding only what was set afterwards', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    const next = await request(store, cookie, (s) => {
      s.destroy();
      s.flash('info', 'signed out');
    });
    expect(next).not.toBe('');
    expect(await read(impl.store(), next)).toEqual(saved(impl, { _flashes: [['info', 'signed out']] }));
    if (impl.name !== 'cookie') expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('regenerate() re-issues the session with its data; a server-side store gives a new id and drops the old', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('cart', ['a'])));
    const next = await request(store, cookie, (s) => {
      s.regenerate();
      s.set('user', 'ann');
    });
    expect(await read(impl.store(), next)).toEqual(saved(impl, { cart: ['a'], user: 'ann' }));
    if (impl.name !== 'cookie') {
      expect(next).not.toBe(cookie);
      expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
    }
  });

  it('regenerate({ keepData: false }) keeps only what is set afterwards', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('cart', ['a'])));
    const next = await request(store, cookie, (s) => {
      s.regenerate({ keepData: false });
      s.set('user', 'ann');
    });
    expect(await read(impl.store(), next)).toEqual(saved(impl, { user: 'ann' }));
  });

  it('regenerate() asked for inside update is done at commit', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    const next = await request(store, cookie, (s, st) => st.update(s, (x) => x.regenerate()));
    expect(await read(impl.store(), next)).toEqual(saved(impl, { n: 1 }));
    if (impl.name !== 'cookie') expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('destroy() asked for inside update deletes the cookie', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    expect(await request(store, cookie, (s, st) => st.update(s, (x) => x.destroy()))).toBe('');
    if (impl.name !== 'cookie') expect((await store.open(cookie)).session.isEmpty).toBe(true);
  });

  describe('expiry of a non-permanent session that is only read', () => {
    const LIFETIME = 100;
    let ms = 0;
    const now = () => ms;
    /** Made at 0, used at 60 by `use`; the cookie the browser then has, opened at 120 (60 after the use). */
    async function at120(
      options: StoreOptions,
      use: (s: Session, store: SessionStore) => unknown,
    ): Promise<Record<string, unknown>> {
      ms = Date.now();
      // Not permanent whatever the store's default: a permanent session slides on every use.
      const store = impl.store({ permanent: false, lifetimeSeconds: LIFETIME, now, ...options });
      const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
      ms += 60_000;
      const after = await request(store, cookie, use);
      ms += 60_000;
      return read(store, after);
    }

    it('ends lifetimeSeconds after its last change by default, as in Flask', async () => {
      expect(await at120({}, (s) => s.get('n'))).toEqual({});
    });

    it('rolls with refreshNonPermanent', async () => {
      expect(await at120({ refreshNonPermanent: true }, (s) => s.get('n'))).toEqual({ n: 1 });
    });

    it('is extended by touch()', async () => {
      expect(await at120({}, (s) => s.touch())).toEqual({ n: 1 });
    });

    it('is extended by touch() asked for inside update', async () => {
      expect(await at120({}, (s, st) => st.update(s, (x) => x.touch()))).toEqual({ n: 1 });
    });
  });

  const { idCookie } = impl;
  if (idCookie === undefined) return;

  // Server-side only.
  it("puts only an opaque id in the cookie, signed unless the store keeps Flask-Session's unsigned default", async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('secret', 'not-in-cookie')));
    expect(cookie).toMatch(idCookie(impl.randomId));
  });

  it('never adopts an unknown id, even one signed with our key', async () => {
    const store = impl.store();
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    await request(store, cookie, (s, st) => st.update(s, (x) => x.clear())); // record removed
    const opened = await store.open(cookie);
    expect(opened.session.isEmpty).toBe(true);
    expect(opened.error).toBeInstanceOf(UnknownSession);
    const next = await request(store, cookie, (s, st) => st.update(s, (x) => x.set('n', 2)));
    expect(next).not.toBe(cookie);
  });

  describe('an id reserved before the first write', () => {
    /** A first page view: no cookie yet, so the store reserves an id and sends it, without a record. */
    async function firstView(store: SessionStore): Promise<string> {
      return request(store, '', (s, st) => st.reserve?.(s));
    }

    it('is sent as a cookie with no record behind it, and opens as an empty session keeping that id', async () => {
      const store = impl.store();
      const cookie = await firstView(store);
      // Signed as this library signs ids (with a salt of its own) in every store, until its first write.
      expect(cookie).toMatch(librarySignedId(impl.randomId));
      const opened = await impl.store().open(cookie);
      expect(opened.session.isEmpty).toBe(true);
      expect(opened.error).toBeUndefined();
      // A page view that changes nothing keeps the reservation: no new cookie, no record.
      expect(await request(store, cookie, () => undefined)).toBe(cookie);
    });

    it('lands every one of many concurrent first writes from two processes in one session', async () => {
      const [a, b] = [impl.store(), impl.store()];
      const cookie = await firstView(a);
      const add = (store: SessionStore, item: string) =>
        request(store, cookie, (s, st) =>
          st.update(s, (x) => x.set('list', [...((x.get('list') as string[] | undefined) ?? []), item])),
        );
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => add(i % 2 === 0 ? a : b, `item${i}`)),
      );
      // Every answer points at the same session, re-signed as an ordinary id.
      const ids = new Set(answers.map((c) => c.slice('session='.length).split('.')[0]));
      expect(ids).toEqual(new Set([cookie.slice('session='.length).split('.')[0]]));
      const list = (await read(a, answers[0] ?? '')).list as string[];
      expect([...list].sort()).toEqual(Array.from({ length: 40 }, (_, i) => `item${i}`).sort());
    });

    it('is never reserved over a cookie the visitor sent that could not be used', async () => {
      const store = impl.store();
      const { session, error } = await store.open('session=forged.value');
      expect(error).toBeDefined();
      store.reserve?.(session);
      expect(await store.commit(session)).toEqual({ kind: 'none' });
    });

    it('does not bring back an ordinary id whose record is gone: only reserved ids open without one', async () => {
      const store = impl.store();
      const cookie = await request(store, await firstView(store), (s, st) =>
        st.update(s, (x) => x.set('n', 1)),
      );
      await request(store, cookie, (s, st) => st.update(s, (x) => x.clear()));
      expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
    });
  });

  it('imports a Flask cookie session and answers with an id', async () => {
    const cookieStore = new CookieSessionStore({ secretKey });
    const { session } = cookieStore.open(undefined);
    cookieStore.update(session, (s) => s.set('portfolio', [['AAPL', '1', '2']]));
    const action = cookieStore.commit(session);
    const flaskCookie = action.kind === 'set' ? (action.header.split(';')[0] ?? '') : '';
    const store = impl.store();
    const cookie = await request(store, flaskCookie, (s) => {
      expect(s.get('portfolio')).toEqual([['AAPL', '1', '2']]);
    });
    expect(cookie).toMatch(idCookie(IMPORTED_ID));
    expect(await read(impl.store(), cookie)).toEqual(saved(impl, { portfolio: [['AAPL', '1', '2']] }));
  });

  it('regenerate() moves a change another process saved to the old id meanwhile: no lost update', async () => {
    const [a, b] = [impl.store(), impl.store()];
    const cookie = await request(a, '', (s, st) => st.update(s, (x) => x.set('cart', ['a'])));
    const login = await a.open(cookie);
    // Another tab adds to the cart after this request opened the session, before it answers.
    await request(b, cookie, (s, st) =>
      st.update(s, (x) => x.set('cart', [...((x.get('cart') as string[] | undefined) ?? []), 'b'])),
    );
    login.session.regenerate();
    login.session.set('user', 'ann');
    const action = await a.commit(login.session);
    expect(action.kind).toBe('set');
    const next = action.kind === 'set' ? (action.header.split(';')[0] ?? '') : '';
    expect(await read(impl.store(), next)).toEqual(saved(impl, { cart: ['a', 'b'], user: 'ann' }));
    expect((await b.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('touch() of a non-permanent session moves the record only, and sends no cookie', async () => {
    const store = impl.store({ permanent: false });
    const cookie = await request(store, '', (s, st) => st.update(s, (x) => x.set('n', 1)));
    const { session } = await store.open(cookie);
    session.touch();
    expect(await store.commit(session)).toEqual({ kind: 'none' });
  });

  it('answers ping while its backing is up', async () => {
    await expect(impl.store().ping?.()).resolves.toBeUndefined();
  });
});

// A visitor moving over from cookie sessions: what happens to the old cookie, on SQLite, Redis and
// Flask-Session's layout on Redis.
interface ServerImplementation {
  readonly name: string;
  /** As {@link Implementation.idCookie} and {@link Implementation.permanent}. */
  readonly idCookie: (id: string) => RegExp;
  readonly permanent: boolean;
  setUp(): Promise<void>;
  store(): ServerSessionStore;
  /** How many session records the backing holds (tombstones included). */
  records(store: ServerSessionStore): Promise<number>;
  tearDown(): Promise<void>;
}

let importRedis: RedisProcess | undefined;
let importDir = '';
const serverImplementations: ServerImplementation[] = [
  {
    name: 'sqlite',
    idCookie: librarySignedId,
    permanent: false,
    setUp: () => {
      importDir = mkdtempSync(join(tmpdir(), 'sqlite-import-'));
      return Promise.resolve();
    },
    store: () => track(new SqliteSessionStore({ path: join(importDir, 'sessions.sqlite3'), secretKey })),
    records: (store) => {
      if (!(store.backend instanceof SqliteBackend)) throw new TypeError('not an SQLite store');
      const { db } = store.backend;
      return Promise.resolve((db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n);
    },
    tearDown: () => {
      rmSync(importDir, { recursive: true, force: true });
      return Promise.resolve();
    },
  },
  {
    name: 'redis',
    idCookie: librarySignedId,
    permanent: false,
    setUp: async () => {
      importRedis = await startRedis();
    },
    store: () => track(new RedisSessionStore({ url: importRedis?.url ?? '', secretKey })),
    records: redisRecords,
    tearDown: async () => {
      if (importRedis) await stopAll([importRedis]);
    },
  },
  flaskSessionRedisImport('flask-session-redis (Flask-Session 0.8 defaults)', {}),
  flaskSessionRedisImport('flask-session-redis (signed 16-byte ids, JSON, not permanent)', {
    useSigner: true,
    serializationFormat: 'json',
    permanent: false,
    idLengthBytes: 16,
  }),
];

/** How many keys a Redis store holds under `session:`, its prefix and Flask-Session's. */
async function redisRecords(store: ServerSessionStore): Promise<number> {
  if (!(store.backend instanceof RedisBackend)) throw new TypeError('not a Redis store');
  await store.ping(); // connected
  return (await store.backend.client.keys('session:*')).length;
}

/** FlaskSessionRedisStore with `options`, on a Redis of its own. */
function flaskSessionRedisImport(
  name: string,
  options: Partial<FlaskSessionRedisOptions>,
): ServerImplementation {
  const impl = flaskSessionRedis(name, options);
  return {
    name,
    idCookie: impl.idCookie,
    permanent: impl.permanent,
    setUp: () => impl.setUp(),
    store: () => impl.store(),
    records: redisRecords,
    tearDown: () => impl.tearDown(),
  };
}

/** A cookie-mode session, as the app wrote it before moving to a server-side store. */
function oldCookie(portfolio: string): string {
  const cookieStore = new CookieSessionStore({ secretKey });
  const { session } = cookieStore.open(undefined);
  cookieStore.update(session, (s) => s.set('portfolio', portfolio));
  const action = cookieStore.commit(session);
  return action.kind === 'set' ? (action.header.split(';')[0] ?? '') : '';
}

describe.each(serverImplementations)('importing a cookie session into the $name store', (impl) => {
  beforeAll(() => impl.setUp());
  afterAll(async () => {
    await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
    await impl.tearDown();
  });

  it('makes one record however often the old cookie is replayed, and answers each with the same id', async () => {
    const store = impl.store();
    const before = await impl.records(store);
    const old = oldCookie('five replays');
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(await request(store, old, () => undefined));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(impl.idCookie(IMPORTED_ID));
    expect(await impl.records(store)).toBe(before + 1);
  });

  it('opens, for a replayed old cookie, what the visitor saved since, not the pre-migration data', async () => {
    const store = impl.store();
    const old = oldCookie('before the move');
    const id = await request(store, old, () => undefined);
    await request(store, id, (s, st) => st.update(s, (x) => x.set('portfolio', 'after the move')));
    const { session } = await store.open(old);
    expect(session.get('portfolio')).toBe('after the move');
    expect(await request(store, old, () => undefined)).toBe(id);
  });

  it('lands two processes importing one cookie at once on one record', async () => {
    const [a, b] = [impl.store(), impl.store()];
    const before = await impl.records(a);
    const old = oldCookie('raced');
    const [one, two] = await Promise.all([
      request(a, old, () => undefined),
      request(b, old, () => undefined),
    ]);
    expect(one).toBe(two);
    expect(await impl.records(a)).toBe(before + 1);
    expect(await read(a, one)).toEqual(saved(impl, { portfolio: 'raced' }));
  });

  it('does not bring the old data back once the visitor cleared the session: the old cookie is deleted', async () => {
    const store = impl.store();
    const old = oldCookie('cleared later');
    const id = await request(store, old, () => undefined);
    expect(await request(store, id, (s) => s.clear())).toBe('');
    const { session } = await store.open(old);
    expect(session.isEmpty).toBe(true);
    expect(await store.commit(session)).toMatchObject({ kind: 'delete' });
  });

  it('does not bring the old data back after regenerate() moved the session to a new id', async () => {
    const store = impl.store();
    const old = oldCookie('regenerated later');
    const id = await request(store, old, () => undefined);
    const moved = await request(store, id, (s) => store.regenerate(s));
    expect(moved).not.toBe(id);
    expect(await read(store, moved)).toEqual(saved(impl, { portfolio: 'regenerated later' }));
    const replay = await store.open(old);
    expect(replay.session.isEmpty).toBe(true);
    expect(await store.commit(replay.session)).toMatchObject({ kind: 'delete' });
  });

  it.each([
    ['destroy()', (s: Session) => s.destroy(), false],
    ['regenerate() at commit', (s: Session) => s.regenerate(), true],
    ['regenerate({ keepData: false }) at commit', (s: Session) => s.regenerate({ keepData: false }), false],
  ])('does not bring the old data back after %s, on the import or later', async (name, act, keeps) => {
    const store = impl.store();
    for (const later of [false, true]) {
      // On the request that imports the cookie, or on a later one that sends the derived id.
      const portfolio = `${name}, later: ${String(later)}`;
      const old = oldCookie(portfolio);
      const id = later ? await request(store, old, () => undefined) : old;
      const after = await request(store, id, act);
      expect(after === '' ? {} : await read(store, after)).toEqual(keeps ? saved(impl, { portfolio }) : {});
      expect(impl.idCookie(IMPORTED_ID).test(after)).toBe(false);
      const replay = await store.open(old);
      expect(replay.session.isEmpty).toBe(true);
      expect(await store.commit(replay.session)).toMatchObject({ kind: 'delete' });
      // The derived id stops working too, as any old id does.
      if (later) expect((await store.open(id)).error).toBeInstanceOf(UnknownSession);
    }
  });

  it('starts a new id when a visitor with a cleared import saves again, leaving the tombstone', async () => {
    const store = impl.store();
    const old = oldCookie('tombstoned');
    const id = await request(store, old, () => undefined);
    await request(store, id, (s) => s.clear());
    const fresh = await request(store, old, (s, st) => st.update(s, (x) => x.set('portfolio', 'fresh')));
    expect(fresh).not.toBe(id);
    expect(await read(store, fresh)).toEqual(saved(impl, { portfolio: 'fresh' }));
    expect((await store.open(old)).session.isEmpty).toBe(true);
  });
});
