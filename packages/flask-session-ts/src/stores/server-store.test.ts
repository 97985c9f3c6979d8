/**
 * What only server-side stores do: ids, strictness, expiry, regeneration, conflicts, outages.
 * SQLite on a real file in a temp folder; Redis as a real redis-server.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deflateSync } from 'node:zlib';
import { CookieSessionStore } from '../cookie-store.js';
import { base64UrlEncode } from '../encoding.js';
import {
  BadData,
  BadSignature,
  SessionConfigError,
  SessionConflict,
  SessionTooLarge,
  StoreUnavailable,
  UndecodableSession,
  UnknownSession,
} from '../errors.js';
import { Signer } from '../signer.js';
import { Session } from '../session.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { RedisSessionStore } from './redis.js';
import { SERVER_STORE_DEFAULTS, ServerSessionStore, hashId, type SessionBackend } from './server-store.js';
import { SqliteBackend, SqliteSessionStore, type SqliteStoreOptions } from './sqlite.js';

const secretKey = 'server store tests: a long enough key';
const DAY_MS = 86_400_000;
let dir = '';
let clock = Date.UTC(2026, 0, 1);
const now = () => clock;
const stores: { close(): Promise<void> }[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'server-store-'));
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function sqliteStore(options: Partial<SqliteStoreOptions> = {}): SqliteSessionStore {
  const store = new SqliteSessionStore({
    path: join(dir, `s${files++}.sqlite3`),
    secretKey,
    now,
    ...options,
  });
  stores.push(store);
  return store;
}

async function save(store: ServerSessionStore, cookie: string | undefined, data: Record<string, string>) {
  const { session } = await store.open(cookie);
  await store.update(session, (s) => {
    for (const [k, v] of Object.entries(data)) s.set(k, v);
  });
  return cookieOf(await store.commit(session)) ?? cookie ?? '';
}

function cookieOf(action: Awaited<ReturnType<ServerSessionStore['commit']>>): string | undefined {
  return action.kind === 'set' ? action.header.split(';')[0] : undefined;
}

/** A backend that counts the calls made to the one it wraps. */
function counting(backend: SessionBackend): SessionBackend & { calls: number } {
  const counted = {
    calls: 0,
    read: (...a: Parameters<SessionBackend['read']>) => (counted.calls++, backend.read(...a)),
    write: (...a: Parameters<SessionBackend['write']>) => (counted.calls++, backend.write(...a)),
    touch: (...a: Parameters<SessionBackend['touch']>) => (counted.calls++, backend.touch(...a)),
    remove: (...a: Parameters<SessionBackend['remove']>) => (counted.calls++, backend.remove(...a)),
    ping: () => backend.ping(),
    close: () => backend.close(),
  };
  return counted;
}

describe('session ids', () => {
  it('refuses a forged or random id before any store access', async () => {
    const backend = counting(new SqliteBackend({ path: join(dir, 'forged.sqlite3'), secretKey }));
    const store = new ServerSessionStore(backend, { secretKey, now });
    stores.push(store);
    const forged = new Signer(['someone else'], { salt: 'flask-session-ts.session-id', digest: 'sha256' });
    for (const value of [forged.sign('A'.repeat(43)), 'A'.repeat(43) + '.AAAA', 'random']) {
      const opened = await store.open(`session=${value}`);
      expect(opened.error).toBeInstanceOf(BadSignature);
      expect(opened.session.isEmpty).toBe(true);
    }
    expect(backend.calls).toBe(0);
  });

  it('stores only the SHA-256 of the id, so a copy of the database gives no usable cookie', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    const id = cookie.slice('session='.length).split('.')[0] ?? '';
    const keys = store.backend.db.prepare('SELECT key, data FROM sessions').all() as {
      key: string;
      data: string;
    }[];
    expect(keys).toEqual([{ key: hashId(id), data: '{"n":"1"}' }]);
    expect(JSON.stringify(keys)).not.toContain(id);
  });

  it('regenerate gives a new id, moves the data, and the old id is unknown afterwards', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { user: 'ann' });
    const { session } = await store.open(cookie);
    await store.regenerate(session);
    const fresh = cookieOf(await store.commit(session));
    expect(fresh).toBeDefined();
    expect(fresh).not.toBe(cookie);
    expect((await store.open(fresh)).session.get('user')).toBe('ann');
    const old = await store.open(cookie);
    expect(old.error).toBeInstanceOf(UnknownSession);
    expect(old.session.isEmpty).toBe(true);
  });
});

describe('expiry', () => {
  afterEach(() => {
    clock = Date.UTC(2026, 0, 1);
  });

  it('ends a session unused for the idle lifetime, and slides it while in use', async () => {
    const store = sqliteStore({ lifetimeSeconds: 10 * 86400, permanent: true });
    const cookie = await save(store, undefined, { n: '1' });
    clock += 8 * DAY_MS;
    const { session } = await store.open(cookie);
    session.get('n'); // used
    const action = await store.commit(session);
    expect(action.kind).toBe('set'); // a refreshed Max-Age
    clock += 8 * DAY_MS; // 16 days after creation, 8 after last use
    expect((await store.open(cookie)).session.get('n')).toBe('1');
    clock += 11 * DAY_MS;
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('ends a session at its absolute lifetime however active it is', async () => {
    const store = sqliteStore({
      lifetimeSeconds: 10 * 86400,
      absoluteLifetimeSeconds: 15 * 86400,
      permanent: true,
    });
    const cookie = await save(store, undefined, { n: '1' });
    for (let day = 0; day < 14; day += 2) {
      clock += 2 * DAY_MS;
      await save(store, cookie, { n: String(day) });
    }
    clock += 2 * DAY_MS; // day 16
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('sweeps expired rows with the expiry index', async () => {
    const store = sqliteStore({ lifetimeSeconds: 86400 });
    await save(store, undefined, { n: '1' });
    await save(store, undefined, { n: '2' });
    const plan = store.backend.db
      .prepare('EXPLAIN QUERY PLAN DELETE FROM sessions WHERE expires_ms <= ?')
      .all(0) as { detail: string }[];
    expect(plan.map((p) => p.detail).join()).toContain('sessions_expires_ms');
    expect(store.backend.sweep(clock)).toBe(0);
    expect(store.backend.sweep(clock + 2 * DAY_MS)).toBe(2);
  });
});

describe('conflicts', () => {
  it('gives up with SessionConflict after maxAttempts lost races, saving nothing', async () => {
    const real = new SqliteBackend({ path: join(dir, 'conflict.sqlite3'), secretKey });
    const backend: SessionBackend = { ...counting(real), write: () => ({ outcome: 'conflict' }) };
    const store = new ServerSessionStore(backend, { secretKey, now, maxAttempts: 3 });
    stores.push(store);
    const { session } = await store.open(undefined);
    let runs = 0;
    const change = (s: Session) => {
      runs++;
      s.set('n', 1);
    };
    const error = await store.update(session, change).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionConflict);
    expect((error as SessionConflict).attempts).toBe(3);
    expect(session.get('n')).toBeUndefined();
    expect(runs).toBe(0); // this backend never even asked for the change
  });
});

describe('redis', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await stopAll([redis]);
  });

  function redisStore(): RedisSessionStore {
    const store = new RedisSessionStore({ url: redis.url, secretKey, lifetimeSeconds: 3600 });
    stores.push(store);
    return store;
  }

  it('sets a key TTL of the idle lifetime', async () => {
    const store = redisStore();
    const cookie = await save(store, undefined, { n: '1' });
    const id = cookie.slice('session='.length).split('.')[0] ?? '';
    const ttl = await store.backend.client.pTTL(`session:${hashId(id)}`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
  });

  it('fails with StoreUnavailable while Redis is down, and works again when it is back', async () => {
    const store = redisStore();
    const cookie = await save(store, undefined, { n: '1' });
    await redis.stop();
    await expect(store.open(cookie)).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailable);
    await redis.restart();
    let data: unknown;
    for (let i = 0; i < 100 && data === undefined; i++) {
      data = await store.open(cookie).then(
        (o) => o.session.get('n'),
        () => new Promise((resolve) => setTimeout(() => resolve(undefined), 100)),
      );
    }
    expect(data).toBe('1');
  });

  it('says clearly that Redis cannot be reached when nothing listens', async () => {
    const store = new RedisSessionStore({ url: 'redis://127.0.0.1:1', secretKey });
    stores.push(store);
    const error = await store.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toContain('redis://127.0.0.1:1');
  });
});

// ---------------------------------------------------------------------------------------------
// What a visitor or an operator notices, on SQLite and on a real Redis: options, ids, imports,
// what commit sends, update's result, lifetimes and their cookies.

let sharedRedis: RedisProcess | undefined;
async function redisUrl(): Promise<string> {
  sharedRedis ??= await startRedis();
  return sharedRedis.url;
}
afterAll(async () => {
  if (sharedRedis) await stopAll([sharedRedis]);
});

/** One request: open with `cookie`, run `handle`, commit with `status`. */
async function visit(
  store: ServerSessionStore,
  cookie: string | undefined,
  handle: (session: Session) => unknown = () => undefined,
  status = 200,
) {
  const opened = await store.open(cookie);
  await handle(opened.session);
  const action = await store.commit(opened.session, status);
  return { opened, action, cookie: cookieOf(action) ?? cookie };
}

function header(action: Awaited<ReturnType<ServerSessionStore['commit']>>): string {
  if (action.kind !== 'set') throw new Error(`expected a Set-Cookie, got ${action.kind}`);
  return action.header;
}

describe('options', () => {
  const backend = new SqliteBackend({ path: ':memory:', secretKey });
  afterAll(() => backend.close());

  it.each([
    ['lifetimeSeconds', 0],
    ['lifetimeSeconds', -5],
    ['lifetimeSeconds', 1.5],
    ['absoluteLifetimeSeconds', 0],
    ['maxSessionBytes', 0],
    ['maxSessionBytes', Number.NaN],
    ['maxAttempts', 0],
  ])('refuses %s = %s with a message that names the setting', (name, value) => {
    expect(() => new ServerSessionStore(backend, { secretKey, [name]: value })).toThrow(
      new SessionConfigError(`${name} must be a positive whole number, not ${value}.`),
    );
  });

  it('accepts the smallest valid settings', () => {
    const store = new ServerSessionStore(backend, {
      secretKey,
      lifetimeSeconds: 1,
      absoluteLifetimeSeconds: 1,
      maxSessionBytes: 1,
      maxAttempts: 1,
    });
    expect([
      store.lifetimeSeconds,
      store.absoluteLifetimeSeconds,
      store.maxSessionBytes,
      store.maxAttempts,
    ]).toEqual([1, 1, 1, 1]);
  });

  it('names the cookie as configured, "session" by default', async () => {
    expect(sqliteStore().cookieName).toBe('session');
    const store = sqliteStore({ cookie: { name: 'sid' } });
    expect(store.cookieName).toBe('sid');
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    expect(cookie).toMatch(/^sid=/);
    expect((await store.open(cookie)).session.get('n')).toBe(1);
  });

  it('measures a session as the bytes of its tagged JSON, as the size cap counts them', async () => {
    const store = sqliteStore({ maxSessionBytes: 9 });
    const { session } = await store.open(undefined);
    session.set('n', '1');
    expect(store.measure(session)).toBe('{"n":"1"}'.length);
    await store.update(session, () => undefined); // 9 bytes: exactly the cap
    session.set('n', '12');
    expect(store.measure(session)).toBe(10);
  });
});

describe('storedSize', () => {
  it('is the length of the record as read, the same as measure for a session not changed since', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { user: 'ann', note: 'é ☃ "quoted"' });
    const { session } = await store.open(cookie);
    const [row] = store.backend.db.prepare('SELECT data FROM sessions').all() as { data: string }[];
    expect(store.storedSize(session)).toBe(row?.data.length);
    expect(store.storedSize(session)).toBe(store.measure(session));
    // Changes made since are not counted: the caller looks at session.changedKeys.
    session.set('user', 'a much longer name than before');
    expect(store.storedSize(session)).toBe(row?.data.length);
  });

  it('follows each write: update and commit', async () => {
    const store = sqliteStore();
    const { session } = await store.open(undefined);
    await store.update(session, (s) => s.set('n', '1'));
    expect(store.storedSize(session)).toBe('{"n":"1"}'.length);
    session.set('n', '12345');
    await store.commit(session);
    expect(store.storedSize(session)).toBe('{"n":"12345"}'.length);
  });

  it('is undefined without a record: a new session, an emptied one, one under a new id not written yet', async () => {
    const store = sqliteStore();
    expect(store.storedSize((await store.open(undefined)).session)).toBeUndefined();
    const cookie = await save(store, undefined, { user: 'ann' });
    const { session } = await store.open(cookie);
    await store.update(session, (s) => s.clear());
    expect(store.storedSize(session)).toBeUndefined();
    const other = (await store.open(await save(store, undefined, { user: 'bob' }))).session;
    await store.regenerate(other);
    expect(store.storedSize(other)).toBe(store.measure(other));
  });

  it('is undefined for a session this store did not open', () => {
    expect(sqliteStore().storedSize(new Session({ n: '1' }))).toBeUndefined();
  });
});

describe('session ids, more', () => {
  it('refuses an id signed with our key but not of 32 random bytes, before any store access', async () => {
    const backend = counting(new SqliteBackend({ path: join(dir, 'malformed.sqlite3'), secretKey }));
    const store = new ServerSessionStore(backend, { secretKey, now });
    stores.push(store);
    const ours = new Signer([secretKey], { salt: 'flask-session-ts.session-id', digest: 'sha256' });
    const a43 = 'A'.repeat(43);
    for (const id of ['short', `!${a43}`, `${a43}!`, `${a43}A`]) {
      const opened = await store.open(`session=${ours.sign(id)}`);
      expect(opened.error).toBeInstanceOf(UnknownSession);
      expect(opened.error?.message).toBe('The session id is malformed');
      expect(opened.session.isEmpty).toBe(true);
    }
    expect(backend.calls).toBe(0);
  });

  it('signs the id with the documented salt and SHA-256, so every process with the key reads it', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    const value = cookie.slice('session='.length);
    const ours = new Signer([secretKey], {
      salt: SERVER_STORE_DEFAULTS.idSalt,
      digest: SERVER_STORE_DEFAULTS.idDigest,
    });
    expect(ours.unsign(value).value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => new Signer([secretKey]).unsign(value)).toThrow(BadSignature);
  });

  it('keys the record by the hex SHA-256 of the id', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    const id = cookie.slice('session='.length).split('.')[0] ?? '';
    const [row] = store.backend.db.prepare('SELECT key FROM sessions').all() as { key: string }[];
    expect(row?.key).toBe(createHash('sha256').update(id).digest('hex'));
    expect(row?.key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('re-signs an id verified by an older key with the current one, even on a request that only reads', async () => {
    const path = join(dir, 'rotation.sqlite3');
    const before = sqliteStore({ path, secretKey: 'the old key, long enough for a test' });
    const cookie = await save(before, undefined, { n: '1' });
    const after = sqliteStore({
      path,
      secretKey: 'the new key, long enough for a test',
      fallbackSecretKeys: ['the old key, long enough for a test'],
    });
    const { opened, action } = await visit(after, cookie, (s) => s.get('n'));
    expect(opened.session.get('n')).toBe('1');
    const resigned = cookieOf(action);
    expect(resigned).toBeDefined();
    expect(resigned).not.toBe(cookie);
    const newOnly = sqliteStore({ path, secretKey: 'the new key, long enough for a test' });
    expect((await newOnly.open(resigned)).session.get('n')).toBe('1');
    // The same id: nothing was copied, only re-signed.
    expect(resigned?.split('.')[0]).toBe(cookie.split('.')[0]);
  });

  it('treats an empty cookie like no cookie: no error, nothing to delete', async () => {
    const store = sqliteStore();
    const opened = await store.open('session=');
    expect(opened.error).toBeUndefined();
    expect(opened.session.isEmpty).toBe(true);
  });

  it('says why an id is refused when its record is unknown or expired', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    await visit(store, cookie, (s) => store.update(s, (x) => x.clear()));
    const opened = await store.open(cookie);
    expect(opened.error).toBeInstanceOf(UnknownSession);
    expect(opened.error?.message).toBe('The session id is unknown or expired; a new session was started');
  });

  it('opens a stored session as not new, and a missing one as new', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    expect((await store.open(cookie)).session.isNew).toBe(false);
    expect((await store.open(undefined)).session.isNew).toBe(true);
  });

  it('keeps a record whose data cannot be read: a change is refused until clear(), then gets a new id', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    store.backend.db.prepare("UPDATE sessions SET data = 'not json'").run();
    const refused = await store.open(cookie);
    expect(refused.error).toBeInstanceOf(UndecodableSession);
    await expect(store.update(refused.session, (x) => x.set('m', '2'))).rejects.toThrow(UndecodableSession);
    const { opened, cookie: next } = await visit(store, cookie, async (s) => {
      s.clear();
      await store.update(s, (x) => x.set('m', '2'));
    });
    expect(opened.error).toBeInstanceOf(BadData);
    expect(opened.session.get('n')).toBeUndefined();
    expect(next).not.toBe(cookie);
    expect({ ...(await store.open(next)).session.toJSON() }).toEqual({ m: '2' });
    const rows = store.backend.db.prepare('SELECT data FROM sessions ORDER BY data').all();
    expect(rows).toEqual([{ data: 'not json' }, { data: '{"m":"2"}' }]);
  });

  it('throws a clear TypeError for a session this store did not open', async () => {
    const store = sqliteStore();
    const other = await sqliteStore().open(undefined);
    for (const attempt of [
      async () => {
        await store.commit(other.session);
      },
      () => store.update(other.session, (s) => s.set('n', 1)),
      () => store.regenerate(new Session()),
    ]) {
      await expect(Promise.resolve().then(attempt)).rejects.toThrow(
        new TypeError('This session was not opened by this store'),
      );
    }
  });
});

describe('imported cookie sessions', () => {
  function flaskCookie(options: { digest?: 'sha1' | 'sha256'; salt?: string; now?: () => number } = {}) {
    const cookieStore = new CookieSessionStore({ secretKey, now, ...options });
    const { session } = cookieStore.open(undefined);
    cookieStore.update(session, (s) => s.set('portfolio', 'kept'));
    return cookieOf(cookieStore.commit(session)) ?? '';
  }

  it('is imported as a session that is not new', async () => {
    const { opened } = await visit(sqliteStore(), flaskCookie());
    expect(opened.session.get('portfolio')).toBe('kept');
    expect(opened.session.isNew).toBe(false);
  });

  it('is refused when importCookieSessions is false', async () => {
    const store = sqliteStore({ importCookieSessions: false });
    const { opened, action } = await visit(store, flaskCookie());
    expect(opened.error).toBeInstanceOf(BadSignature);
    expect(opened.session.isEmpty).toBe(true);
    expect(action).toEqual({ kind: 'none' });
  });

  it('uses the configured digest and salt', async () => {
    const cookie = flaskCookie({ digest: 'sha256', salt: 'my-salt' });
    const store = sqliteStore({ importCookieSessions: { digest: 'sha256', salt: 'my-salt' } });
    expect((await store.open(cookie)).session.get('portfolio')).toBe('kept');
    const sha1Only = sqliteStore({ importCookieSessions: { salt: 'my-salt' } });
    expect((await sha1Only.open(cookie)).session.isEmpty).toBe(true);
  });

  it("checks the cookie's age with the store's clock and lifetime", async () => {
    const cookie = flaskCookie();
    const store = sqliteStore({ lifetimeSeconds: 3600 });
    clock += 3000_000;
    try {
      expect((await store.open(cookie)).session.get('portfolio')).toBe('kept');
      clock += 1000_000;
      const late = await store.open(cookie);
      expect(late.session.isEmpty).toBe(true);
      expect(late.error).toBeInstanceOf(BadData);
    } finally {
      clock = Date.UTC(2026, 0, 1);
    }
  });
});

describe('what commit sends', () => {
  it('sends nothing for a stored session that was only read', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { n: '1' });
    clock += DAY_MS;
    try {
      expect((await visit(store, cookie, (s) => s.get('n'))).action).toEqual({ kind: 'none' });
    } finally {
      clock = Date.UTC(2026, 0, 1);
    }
  });

  it('sends nothing for a refused cookie when the session stays empty', async () => {
    const store = sqliteStore();
    expect((await visit(store, 'session=forged.value')).action).toEqual({ kind: 'none' });
    const setAndUnset = (s: Session) => {
      s.set('n', 1);
      s.delete('n');
    };
    expect((await visit(store, 'session=forged.value', setAndUnset)).action).toEqual({ kind: 'none' });
  });

  it('sends nothing to a visitor without a cookie whose session was created and emptied', async () => {
    const store = sqliteStore();
    for (const cookie of [undefined, 'session=']) {
      const { action } = await visit(store, cookie, async (s) => {
        await store.update(s, (x) => x.set('n', 1));
        await store.update(s, (x) => x.clear());
      });
      expect(action).toEqual({ kind: 'none' });
    }
    expect(store.backend.db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
  });

  it('removes the record and deletes the cookie when the session is cleared outside update', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { user: 'ann' });
    const { action } = await visit(store, cookie, (s) => s.clear());
    expect(action.kind).toBe('delete');
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('answers too-large, with the sizes, for a change outside update over the cap, and keeps the record', async () => {
    const store = sqliteStore({ maxSessionBytes: 100 });
    const cookie = await save(store, undefined, { n: '1' });
    const { action } = await visit(store, cookie, (s) => s.set('big', 'x'.repeat(200)));
    expect(action).toEqual({
      kind: 'too-large',
      sizeBytes: '{"n":"1","big":""}'.length + 200,
      limitBytes: 100,
    });
    expect({ ...(await store.open(cookie)).session.toJSON() }).toEqual({ n: '1' });
  });

  it('answers failed with the SessionConflict when a change outside update keeps losing races', async () => {
    const real = new SqliteBackend({ path: join(dir, 'commit-conflict.sqlite3'), secretKey });
    const backend: SessionBackend = { ...counting(real), write: () => ({ outcome: 'conflict' }) };
    const store = new ServerSessionStore(backend, { secretKey, now, maxAttempts: 2 });
    stores.push(store);
    const { action } = await visit(store, undefined, (s) => s.set('token', 't'));
    expect(action.kind).toBe('failed');
    expect(action.kind === 'failed' && action.error).toBeInstanceOf(SessionConflict);
  });
});

describe('update', () => {
  it('leaves the session holding the saved data, with what another process saved meanwhile', async () => {
    const path = join(dir, 'update-result.sqlite3');
    const [a, b] = [sqliteStore({ path }), sqliteStore({ path })];
    const cookie = await save(a, undefined, { a: '1' });
    const { session } = await a.open(cookie);
    await save(b, cookie, { b: '2' });
    await a.update(session, (s) => s.set('c', '3'));
    expect({ ...session.toJSON() }).toEqual({ a: '1', b: '2', c: '3' });
    expect(session.modified).toBe(true);
  });

  it('accepts a session of exactly maxSessionBytes and refuses one byte more, saying so', async () => {
    const store = sqliteStore({ maxSessionBytes: 100 });
    const { session } = await store.open(undefined);
    const filler = 'x'.repeat(100 - '{"k":""}'.length);
    await store.update(session, (s) => s.set('k', filler));
    const error = await store.update(session, (s) => s.set('k', `${filler}y`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionTooLarge);
    expect(error).toMatchObject({ sizeBytes: 101, limitBytes: 100 });
    expect((error as Error).message).toBe(
      "The session would be 101 bytes, over this store's 100-byte limit; nothing was saved.",
    );
    expect(session.get('k')).toBe(filler);
  });

  it('retries a change that lost a race up to maxAttempts times in all', async () => {
    const real = new SqliteBackend({ path: join(dir, 'retries.sqlite3'), secretKey });
    let writes = 0;
    let losing = 0;
    const backend: SessionBackend = {
      ...counting(real),
      write: (...a) => (writes++, writes <= losing ? { outcome: 'conflict' } : real.write(...a)),
    };
    const store = new ServerSessionStore(backend, { secretKey, now, maxAttempts: 3 });
    stores.push(store);
    losing = 2;
    const { session } = await store.open(undefined);
    await store.update(session, (s) => s.set('n', 1)); // lands on the third try
    expect([writes, session.get('n')]).toEqual([3, 1]);
    writes = 0;
    losing = 3;
    await expect(store.update(session, (s) => s.set('n', 2))).rejects.toBeInstanceOf(SessionConflict);
    expect(writes).toBe(3);
  });

  it("queues one process's concurrent changes to a session: with one attempt, none conflicts", async () => {
    const store = new RedisSessionStore({ url: await redisUrl(), secretKey, maxAttempts: 1 });
    stores.push(store);
    const cookie = await save(store, undefined, { n: '0' });
    const add = async (i: number) => {
      const { session } = await store.open(cookie);
      await store.update(session, (s) => s.set(`k${i}`, '1'));
    };
    // Staggered: new changes arrive while earlier ones are still queued or running.
    const running: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      running.push(add(i));
      if (i % 3 === 2) await running[i - 1];
    }
    await Promise.all(running);
    expect(Object.keys((await store.open(cookie)).session.toJSON()).length).toBe(13);
  });
});

let t = 0; // the clock of the lifetime tests: ahead of real time, so Redis's own TTLs never end first
let testPath = '';
const lifetimeBackends = [
  {
    name: 'sqlite',
    store: (o: Partial<SqliteStoreOptions> = {}): Promise<ServerSessionStore> =>
      Promise.resolve(sqliteStore({ path: testPath, now: () => t, ...o })),
  },
  {
    name: 'redis',
    store: async (o: Partial<SqliteStoreOptions> = {}): Promise<ServerSessionStore> => {
      const store = new RedisSessionStore({ url: await redisUrl(), secretKey, now: () => t, ...o });
      stores.push(store);
      return store;
    },
  },
];

describe.each(lifetimeBackends)('lifetimes and their cookies on $name', ({ store: make }) => {
  const HOUR = { lifetimeSeconds: 3600, permanent: true };
  beforeEach(() => {
    t = Math.ceil(Date.now() / 1000) * 1000 + DAY_MS;
    testPath = join(dir, `life${files++}.sqlite3`);
  });

  it("gives a permanent session's cookie the idle lifetime as Max-Age and Expires", async () => {
    const store = await make(HOUR);
    const { action } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    expect(header(action)).toContain(`; Expires=${new Date(t + 3_600_000).toUTCString()}; Max-Age=3600;`);
  });

  it('sends the cookie at once when a saved session is made permanent, or no longer permanent', async () => {
    const store = await make({ lifetimeSeconds: 3600 });
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    t += 1000;
    const made = await visit(store, cookie, (s) => store.update(s, (x) => (x.permanent = true)));
    expect(header(made.action)).toContain('; Max-Age=3600;');
    expect(made.cookie).toBe(cookie);
    t += 1000;
    const unmade = await visit(store, cookie, (s) => store.update(s, (x) => (x.permanent = false)));
    expect(header(unmade.action)).not.toContain('Max-Age');
    t += 1000;
    // Unchanged, and within the minute: nothing to send.
    expect((await visit(store, cookie, (s) => store.update(s, (x) => x.set('n', 2)))).action).toEqual({
      kind: 'none',
    });
  });

  it('slides the expiry at most once a minute, only for a used permanent session on a success', async () => {
    const store = await make(HOUR);
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    const read = (s: Session) => s.get('n');
    t += 30_000;
    expect((await visit(store, cookie, read)).action).toEqual({ kind: 'none' });
    t += 30_000; // a minute after the write
    expect(header((await visit(store, cookie, read)).action)).toContain('; Max-Age=3600;');
    t += 120_000;
    expect((await visit(store, cookie, read, 400)).action).toEqual({ kind: 'none' });
    expect((await visit(store, cookie)).action).toEqual({ kind: 'none' }); // not used
    expect(header((await visit(store, cookie, read, 399)).action)).toContain('; Max-Age=3600;');
    const notPermanent = await make({ lifetimeSeconds: 3600 });
    const other = await visit(notPermanent, undefined, (s) => notPermanent.update(s, (x) => x.set('n', 1)));
    t += 120_000;
    expect((await visit(notPermanent, other.cookie, read)).action).toEqual({ kind: 'none' });
  });

  it('keeps a used session past its first expiry, and ends an unused one at its expiry exactly', async () => {
    const store = await make(HOUR);
    const start = t;
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    t = start + 3_000_000;
    await visit(store, cookie, (s) => s.get('n')); // slides to start + 6,600 s
    t = start + 3_600_001;
    expect((await store.open(cookie)).session.get('n')).toBe(1);
    t = start + 6_599_999;
    expect((await store.open(cookie)).session.get('n')).toBe(1);
    t = start + 6_600_000;
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('starts a new session, without the old data, when an update finds the session expired', async () => {
    const store = await make(HOUR);
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('old', 1)));
    const { session } = await store.open(cookie);
    t += 3_600_000; // the expiry, to the millisecond
    await store.update(session, (s) => s.set('new', 1));
    const next = cookieOf(await store.commit(session));
    expect(next).toBeDefined();
    expect(next).not.toBe(cookie);
    expect({ ...(await store.open(next)).session.toJSON() }).toEqual({ new: 1, _permanent: true });
  });

  it('never brings back a record removed under an open session: its update moves to a new id', async () => {
    const store = await make();
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('a', 1)));
    const { session } = await store.open(cookie);
    await visit(await make(), cookie, (s) => s.clear()); // another tab logs out
    await store.update(session, (s) => s.set('b', 2));
    const next = cookieOf(await store.commit(session));
    expect(next).toBeDefined();
    expect(next).not.toBe(cookie);
    expect({ ...(await store.open(next)).session.toJSON() }).toEqual({ b: 2 });
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('ends a session at its absolute lifetime, and caps the slid cookie at it', async () => {
    const store = await make({
      lifetimeSeconds: 10 * 86400,
      absoluteLifetimeSeconds: 15 * 86400,
      permanent: true,
    });
    const start = t;
    const { cookie } = await visit(store, undefined, (s) => store.update(s, (x) => x.set('n', 1)));
    t = start + 2 * DAY_MS;
    await visit(store, cookie, (s) => store.update(s, (x) => x.set('n', 1)));
    t = start + 8 * DAY_MS;
    expect(header((await visit(store, cookie, (s) => s.get('n'))).action)).toContain(
      `; Max-Age=${7 * 86400};`,
    );
    t = start + 15 * DAY_MS - 1;
    expect((await store.open(cookie)).session.get('n')).toBe(1);
    t = start + 15 * DAY_MS;
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('saves a session stored before `permanent` was on as permanent at its next use', async () => {
    const before = await make({ lifetimeSeconds: 3600 });
    const { cookie } = await visit(before, undefined, (s) => before.update(s, (x) => x.set('n', 1)));
    const after = await make(HOUR);
    await visit(after, cookie, (s) => s.get('n'));
    expect({ ...(await after.open(cookie)).session.toJSON() }).toEqual({ n: 1, _permanent: true });
  });

  it('with `permanent`, sends nothing to a visitor who does nothing', async () => {
    const store = await make(HOUR);
    expect((await visit(store, undefined, (s) => s.get('n'))).action).toEqual({ kind: 'none' });
  });

  it('with `permanent`, saves a session permanent at update, and deletes the cookie when it is cleared', async () => {
    const store = await make(HOUR);
    const { session } = await store.open(undefined);
    await store.update(session, (s) => s.set('n', 1));
    expect(session.permanent).toBe(true);
    const cookie = cookieOf(await store.commit(session));
    expect({ ...(await (await make()).open(cookie)).session.toJSON() }).toEqual({ n: 1, _permanent: true });
    const { action } = await visit(store, cookie, (s) => store.update(s, (x) => x.clear()));
    expect(action.kind).toBe('delete');
  });

  it('regenerate gives a new session its first id, and an old one a new id, removing the old record', async () => {
    const store = await make();
    const { session } = await store.open(undefined);
    session.set('user', 'ann');
    await store.regenerate(session);
    const first = cookieOf(await store.commit(session));
    expect((await store.open(first)).session.get('user')).toBe('ann');
    const again = await store.open(first);
    await store.regenerate(again.session);
    const second = cookieOf(await store.commit(again.session));
    expect(second).not.toBe(first);
    expect((await store.open(second)).session.get('user')).toBe('ann');
    expect((await store.open(first)).error).toBeInstanceOf(UnknownSession);
  });
});

describe('regenerate, destroy and touch', () => {
  afterEach(() => {
    clock = Date.UTC(2026, 0, 1);
  });

  /** A SQLite backend whose next read or write of `key` first runs `hook` (another request). */
  function hooked(name: string) {
    const inner = new SqliteBackend({ path: join(dir, name), secretKey });
    const hooks: { on: 'read' | 'write'; key: string; run: () => Promise<void> }[] = [];
    /** Keys whose every write loses a race. */
    const conflicts = new Set<string>();
    const lost: string[] = [];
    const fire = async (on: 'read' | 'write', key: string) => {
      const i = hooks.findIndex((h) => h.on === on && h.key === key);
      if (i >= 0) await hooks.splice(i, 1)[0]?.run();
    };
    const backend: SessionBackend = {
      read: async (key, nowMs) => {
        const record = inner.read(key, nowMs);
        await fire('read', key);
        return record;
      },
      write: async (key, nowMs, next) => {
        await fire('write', key);
        if (conflicts.has(key)) {
          lost.push(key);
          return { outcome: 'conflict' };
        }
        return inner.write(key, nowMs, next);
      },
      touch: (key, expiresMs) => inner.touch(key, expiresMs),
      remove: (key) => inner.remove(key),
      ping: () => inner.ping(),
      close: () => inner.close(),
    };
    const store = new ServerSessionStore(backend, { secretKey, now, maxAttempts: 3 });
    const other = sqliteStore({ path: join(dir, name) });
    stores.push(store);
    return { store, other, hooks, conflicts, lost };
  }

  function keyOf(cookie: string): string {
    const value = cookie.split('=')[1] ?? '';
    return hashId(value.slice(0, 43));
  }

  it('moves a change saved to the old id between its read and the removal: no lost update', async () => {
    const { store, other, hooks } = hooked('race.sqlite3');
    const cookie = await save(store, undefined, { a: '1' });
    const { session } = await store.open(cookie);
    session.regenerate();
    session.set('user', 'ann');
    // Right after regenerate read the old record, another request saves `b` to it.
    hooks.push({
      on: 'read',
      key: keyOf(cookie),
      run: async () => {
        await save(other, cookie, { b: '2' });
      },
    });
    const fresh = cookieOf(await store.commit(session));
    expect(hooks).toEqual([]);
    expect({ ...(await other.open(fresh)).session.toJSON() }).toEqual({ a: '1', b: '2', user: 'ann' });
    expect((await other.open(cookie)).error).toBeInstanceOf(UnknownSession);
    expect(session.regenerated).toBe(false);
    expect(session.modified).toBe(true);
  });

  it('leaves a tombstone for an imported cookie when it moves newer data after a race', async () => {
    const { store, other, hooks } = hooked('race-imported.sqlite3');
    const cookieStore = new CookieSessionStore({ secretKey, now });
    const { session: flask } = cookieStore.open(undefined);
    flask.set('a', '1');
    const old = cookieOf(cookieStore.commit(flask)) ?? '';
    const id = await save(store, old, {});
    expect(id).toMatch(/^session=[A-Za-z0-9_-]{42}_\./);
    const { session } = await store.open(id);
    session.regenerate();
    hooks.push({ on: 'read', key: keyOf(id), run: () => save(other, id, { b: '2' }).then(() => undefined) });
    const fresh = cookieOf(await store.commit(session));
    expect(hooks).toEqual([]);
    expect({ ...(await other.open(fresh)).session.toJSON() }).toEqual({ a: '1', b: '2' });
    // The old cookie is answered with a deletion; the derived id stops working as any old id does.
    const { session: replayed } = await other.open(old);
    expect(replayed.isEmpty).toBe(true);
    expect((await other.commit(replayed)).kind).toBe('delete');
    expect((await other.open(id)).error).toBeInstanceOf(UnknownSession);
  });

  it('gives up with SessionConflict after maxAttempts lost races on the old record, which keeps its data', async () => {
    const { store, other, conflicts, lost } = hooked('conflict.sqlite3');
    const cookie = await save(store, undefined, { a: '1' });
    const { session } = await store.open(cookie);
    conflicts.add(keyOf(cookie));
    await expect(store.regenerate(session)).rejects.toEqual(new SessionConflict(3));
    expect(lost).toEqual([keyOf(cookie), keyOf(cookie), keyOf(cookie)]);
    expect((await other.open(cookie)).session.get('a')).toBe('1');
  });

  it('does not slide a permanent session read again within a minute: no write, no cookie', async () => {
    const store = sqliteStore({ permanent: true });
    const cookie = await save(store, undefined, { a: '1' });
    clock += 30_000;
    const { session } = await store.open(cookie);
    session.get('a');
    expect(await store.commit(session)).toEqual({ kind: 'none' });
  });

  it('keeps the old id and its data when the old record cannot be removed, and says so', async () => {
    const { store, hooks } = hooked('outage.sqlite3');
    const cookie = await save(store, undefined, { a: '1' });
    const { session } = await store.open(cookie);
    session.regenerate();
    hooks.push({
      on: 'write',
      key: keyOf(cookie),
      run: () => Promise.reject(new StoreUnavailable('down')),
    });
    const action = await store.commit(session);
    expect(action.kind).toBe('failed');
    expect((await store.open(cookie)).session.get('a')).toBe('1');
  });

  it('store.regenerate() throws what failed and leaves the session as it was, so commit can try again', async () => {
    const { store, other, hooks } = hooked('retry.sqlite3');
    const cookie = await save(store, undefined, { a: '1' });
    const { session } = await store.open(cookie);
    session.set('b', '2');
    hooks.push({ on: 'write', key: keyOf(cookie), run: () => Promise.reject(new StoreUnavailable('down')) });
    await expect(store.regenerate(session)).rejects.toBeInstanceOf(StoreUnavailable);
    expect({ ...session.toJSON() }).toEqual({ a: '1', b: '2' });
    expect(session.changedKeys).toEqual(new Set(['b']));
    expect(session.regenerated).toBe(true);
    expect((await other.open(cookie)).session.get('a')).toBe('1');
    const fresh = cookieOf(await store.commit(session));
    expect({ ...(await other.open(fresh)).session.toJSON() }).toEqual({ a: '1', b: '2' });
    expect((await other.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });

  it('store.regenerate() does it at once, data dropped with keepData: false, and throws what failed', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { a: '1' });
    const { session } = await store.open(cookie);
    await store.regenerate(session, { keepData: false });
    expect(session.isEmpty).toBe(true);
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
    expect(await store.commit(session)).toEqual({
      kind: 'delete',
      header: expect.stringMatching(/^session=; Expires=Thu, 01 Jan 1970/) as unknown,
    });
  });

  it('destroy() deletes the cookie of an id the store does not hold', async () => {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { a: '1' });
    await save(sqliteStore(), undefined, {}); // another file: the id is unknown there
    const elsewhere = sqliteStore();
    const { session, error } = await elsewhere.open(cookie);
    expect(error).toBeInstanceOf(UnknownSession);
    session.destroy();
    expect((await elsewhere.commit(session)).kind).toBe('delete');
  });

  it('destroy() sends nothing to a visitor who had no cookie', async () => {
    const store = sqliteStore();
    const { session } = await store.open(undefined);
    session.destroy();
    expect(await store.commit(session)).toEqual({ kind: 'none' });
  });

  it('touch() of a permanent session slides it at once (no once-a-minute limit), with a new Max-Age', async () => {
    const store = sqliteStore({ lifetimeSeconds: 100, permanent: true });
    const cookie = await save(store, undefined, { a: '1' });
    clock += 30_000;
    const { session } = await store.open(cookie);
    session.touch();
    const action = await store.commit(session);
    expect(action.kind).toBe('set');
    expect(action.kind === 'set' && action.header).toContain('Max-Age=100;');
    clock += 90_000; // 120 s after the save, 90 after the touch
    expect((await store.open(cookie)).session.get('a')).toBe('1');
  });

  it('touch() asked for inside update re-sends a permanent cookie, whose Max-Age follows the saved record', async () => {
    const store = sqliteStore({ lifetimeSeconds: 100, permanent: true });
    const cookie = await save(store, undefined, { a: '1' });
    clock += 30_000;
    const { session } = await store.open(cookie);
    await store.update(session, (s) => s.touch());
    const action = await store.commit(session);
    expect(action.kind === 'set' && action.header).toContain('Max-Age=100;');
  });

  it('touch() is skipped on an error response, like the automatic refresh', async () => {
    const store = sqliteStore({ lifetimeSeconds: 100, permanent: true });
    const cookie = await save(store, undefined, { a: '1' });
    clock += 30_000;
    const { session } = await store.open(cookie);
    session.touch();
    expect(await store.commit(session, 500)).toEqual({ kind: 'none' });
    clock += 90_000;
    expect((await store.open(cookie)).error).toBeInstanceOf(UnknownSession);
  });
});

describe('what verifies but cannot be decoded', () => {
  /** A saved session whose stored data is then damaged into `data`. */
  async function damaged(data: string) {
    const store = sqliteStore();
    const cookie = await save(store, undefined, { portfolio: 'kept' });
    store.backend.db.prepare('UPDATE sessions SET data = ?').run(data);
    return { store, cookie };
  }

  it('opens a damaged record empty, marked, with UndecodableSession and its reason', async () => {
    const { store, cookie } = await damaged('{"portfolio":{" d":"not a date"}}');
    const { session, error } = await store.open(cookie);
    expect(error).toBeInstanceOf(UndecodableSession);
    expect(error).toMatchObject({ reason: 'bad-tag' });
    expect(session.undecodable).toBe(error);
    expect(await store.commit(session)).toEqual({ kind: 'none' });
  });

  it('keeps a damaged record and its cookie: a change fails at commit, update() throws', async () => {
    const { store, cookie } = await damaged('not json');
    const { session, error } = await store.open(cookie);
    await expect(store.update(session, (s) => s.set('a', 'b'))).rejects.toBe(error);
    session.set('a', 'b');
    expect(await store.commit(session)).toEqual({ kind: 'failed', error });
    const count = store.backend.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number };
    expect(count.n).toBe(1);
    expect((store.backend.db.prepare('SELECT data FROM sessions').get() as { data: string }).data).toBe(
      'not json',
    );
  });

  it('deletes the cookie of a damaged record on destroy(), and replaces it on regenerate(), keeping nothing', async () => {
    const { store, cookie } = await damaged('not json');
    const destroyed = (await store.open(cookie)).session;
    destroyed.destroy();
    expect((await store.commit(destroyed)).kind).toBe('delete');
    const { session } = await store.open(cookie);
    session.regenerate();
    session.set('user', 'ann');
    const fresh = cookieOf(await store.commit(session));
    expect(fresh).not.toBe(cookie);
    expect({ ...(await store.open(fresh)).session.toJSON() }).toEqual({ user: 'ann' });
    // Never written over: the damaged record stays until it expires, as after clear().
    expect((await store.open(cookie)).error).toBeInstanceOf(UndecodableSession);
  });

  it('deletes the cookie of a damaged record when the handler clears the session on purpose', async () => {
    const { store, cookie } = await damaged('[]');
    const { session } = await store.open(cookie);
    session.clear();
    expect((await store.commit(session)).kind).toBe('delete');
  });

  it('keeps a Flask cookie that verifies but inflates past the cap, instead of calling it forged', async () => {
    const cookieStore = new CookieSessionStore({ secretKey, now });
    const json = JSON.stringify({ note: 'a'.repeat(70_000) });
    const flask = `session=${cookieStore.serializer.signPayload('.' + base64UrlEncode(deflateSync(json)))}`;
    const store = sqliteStore();
    const { session, error } = await store.open(flask);
    expect(error).toBeInstanceOf(UndecodableSession);
    expect(error).toMatchObject({ reason: 'too-large' });
    session.set('a', 'b');
    expect(await store.commit(session)).toEqual({ kind: 'failed', error });
    const roomy = sqliteStore({ importCookieSessions: { maxInflatedBytes: 128 * 1024 } });
    expect((await roomy.open(flask)).session.get('note')).toHaveLength(70_000);
  });

  it('fails the commit with UnstorableValue for a value changed in place after set()', async () => {
    const store = sqliteStore();
    const { session } = await store.open(undefined);
    const list: unknown[] = [];
    session.set('list', list as never);
    list.push(new Map());
    const action = await store.commit(session);
    expect(action).toMatchObject({ kind: 'failed', error: { name: 'UnstorableValue', path: 'list[0]' } });
  });
});
