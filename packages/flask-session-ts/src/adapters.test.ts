/**
 * One behaviour suite for every adapter (Hono, Express, Fastify), each over real HTTP on
 * 127.0.0.1 against its real framework, with a store that answers at once (the cookie store)
 * and one that answers later (as a server-side store does). The apps are in test/adapters/apps.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADAPTERS, type AdapterHarness, type RunningApp } from '../test/adapters/apps.js';
import { AsyncStore } from '../test/support/async-store.js';
import { FaultyStore } from '../test/support/faulty-store.js';
import { startRedis, stopAll, type RedisProcess } from '../test/support/redis-server.js';
import { CookieSessionStore, type SessionOptions } from './cookie-store.js';
import { base64UrlEncode } from './encoding.js';
import { BadData, SignatureExpired, UndecodableSession } from './errors.js';
import type { SessionStore } from './store.js';
import { FlaskSessionRedisStore } from './stores/flask-session-redis.js';
import { RedisSessionStore } from './stores/redis.js';
import { SqliteSessionStore } from './stores/sqlite.js';

const OLD_KEY = 'the-old-secret-key-of-the-suite';
/** The default lifetime: 31 days, in seconds. */
const SESSION_LIFETIME = 31 * 24 * 60 * 60;
const NEW_KEY = 'the-new-secret-key-of-the-suite';
const T0 = 1_700_000_000_000;
const LIFETIME_SECONDS = 3600;

/** The suite's clock, moved by hand and reset before each test. */
const clock = {
  ms: T0,
  now: (): number => clock.ms,
  advanceSeconds(seconds: number): void {
    clock.ms += seconds * 1000;
  },
};

type StoreKind = { name: string; make: (options: SessionOptions) => SessionStore };
const STORES: readonly StoreKind[] = [
  { name: 'a store that answers at once', make: (options) => new CookieSessionStore(options) },
  { name: 'a store that answers later', make: (options) => new AsyncStore(new CookieSessionStore(options)) },
];

const CASES = ADAPTERS.flatMap((adapter) => STORES.map((store) => ({ adapter, store })));

function cookieOf(res: Response): string | undefined {
  return res.headers.getSetCookie()[0]?.split(';')[0];
}

function client(app: () => RunningApp) {
  const send = (method: string, path: string, cookie?: string) =>
    fetch(app().url + path, {
      method,
      redirect: 'manual',
      headers: cookie === undefined ? {} : { Cookie: cookie },
    });
  return {
    get: (path: string, cookie?: string) => send('GET', path, cookie),
    post: (path: string, cookie?: string) => send('POST', path, cookie),
    /** A cookie holding `{ count: 1 }`, as the app wrote it. */
    async counted(): Promise<string> {
      const cookie = cookieOf(await send('POST', '/inc'));
      if (cookie === undefined) throw new Error('POST /inc sent no cookie');
      return cookie;
    },
  };
}

describe.each(CASES)(
  '$adapter.name adapter with $store.name',
  ({ adapter, store }: { adapter: AdapterHarness; store: StoreKind }) => {
    const invalid: BadData[] = [];
    let current: RunningApp;
    let old: RunningApp;
    let permanent: RunningApp;
    const app = client(() => current);
    const oldApp = client(() => old);
    const permanentApp = client(() => permanent);

    beforeAll(async () => {
      const base = { now: clock.now, lifetimeSeconds: LIFETIME_SECONDS };
      current = await adapter.start({
        store: new FaultyStore(store.make({ ...base, secretKey: NEW_KEY, fallbackSecretKeys: [OLD_KEY] })),
        onInvalidCookie: (error) => invalid.push(error),
      });
      old = await adapter.start({ store: store.make({ ...base, secretKey: OLD_KEY }) });
      permanent = await adapter.start({
        store: store.make({ ...base, secretKey: NEW_KEY, permanent: true }),
      });
    });

    afterAll(async () => {
      await Promise.all([current.close(), old.close(), permanent.close()]);
    });

    beforeEach(() => {
      clock.ms = T0;
      invalid.length = 0;
    });

    it('sends neither Set-Cookie nor Vary when the handler never touches the session', async () => {
      const res = await app.get('/none', await app.counted());
      expect(await res.text()).toBe('untouched');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('Vary')).toBeNull();
    });

    it('sends no Set-Cookie on a request that only reads the session', async () => {
      const res = await app.get('/read', await app.counted());
      expect(await res.text()).toBe('1');
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('sends Vary: Cookie when the session was read', async () => {
      const res = await app.get('/read');
      expect(await res.text()).toBe('empty');
      expect(res.headers.get('Vary')).toBe('Cookie');
    });

    it('writes a change with the secure defaults, and reads it back on the next request', async () => {
      const res = await app.post('/inc');
      expect(res.status).toBe(200);
      const [header] = res.headers.getSetCookie();
      expect(header).toMatch(/^session=[\w.-]+; Path=\/; Secure; HttpOnly; SameSite=Lax$/);
      const next = await app.post('/inc', cookieOf(res));
      expect(await (await app.get('/read', cookieOf(next))).text()).toBe('2');
    });

    it('sends the cookie of a change made before a streamed body', async () => {
      const res = await app.get('/stream');
      expect(await res.text()).toBe('ab');
      expect(await (await app.get('/read', cookieOf(res))).text()).toBe('1');
    });

    it('deletes the cookie (an expired Set-Cookie) when the session is cleared', async () => {
      const res = await app.post('/clear', await app.counted());
      expect(await res.text()).toBe('cleared');
      expect(res.headers.getSetCookie()).toEqual([
        'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
      ]);
      expect(res.headers.get('Vary')).toBe('Cookie');
    });

    it('re-signs with the new key a cookie that an old key in fallbackSecretKeys verified', async () => {
      const signedWithOld = await oldApp.counted();
      const res = await app.get('/read', signedWithOld);
      expect(await res.text()).toBe('1');
      const resigned = cookieOf(res);
      expect(resigned).toBeDefined();
      expect(resigned).not.toBe(signedWithOld);
      const newKeyOnly = new CookieSessionStore({ secretKey: NEW_KEY, now: clock.now });
      const opened = newKeyOnly.open(resigned);
      expect(opened.error).toBeUndefined();
      expect(opened.session.get('count')).toBe(1);
      expect(
        new CookieSessionStore({ secretKey: NEW_KEY, now: clock.now }).open(signedWithOld).error,
      ).toBeInstanceOf(BadData);
    });

    it('answers an oversized change with an error and no Set-Cookie, so the old cookie stays', async () => {
      const cookie = await app.counted();
      const res = await app.post('/big', cookie);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('too large');
      expect(res.headers.getSetCookie()).toEqual([]);
      // The handler's redirect is not what was sent.
      expect(res.headers.get('Location')).toBeNull();
      expect(await (await app.get('/read', cookie)).text()).toBe('1');
    });

    it("answers a change the store could not save with the error handler's 503, no cookie and no redirect", async () => {
      const cookie = await app.counted();
      const res = await app.post('/unsaved', cookie);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('unavailable');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('Location')).toBeNull();
      expect(await (await app.get('/read', cookie)).text()).toBe('1');
    });

    it('answers a value the session cannot hold with an error naming the key, and keeps the cookie', async () => {
      const cookie = await app.counted();
      const res = await app.post('/unstorable', cookie);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('unstorable index: unsupported-type');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(await (await app.get('/read', cookie)).text()).toBe('1');
    });

    it('answers a value made unstorable after set with an error at commit, no cookie and no redirect', async () => {
      const cookie = await app.counted();
      const res = await app.post('/mutated', cookie);
      expect(res.status).toBe(500);
      expect(await res.text()).toBe('unstorable cart: unsupported-type');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('Location')).toBeNull();
      expect(await (await app.get('/read', cookie)).text()).toBe('1');
    });

    describe('a cookie that verifies but cannot be decoded', () => {
      /** Signed with the app's key, so valid, but inflating past the 64 KiB cap. */
      const undecodable = (): string => {
        const { serializer } = new CookieSessionStore({ secretKey: NEW_KEY, now: clock.now });
        const json = JSON.stringify({ note: 'a'.repeat(70_000) });
        return `session=${serializer.signPayload('.' + base64UrlEncode(deflateSync(json)))}`;
      };

      it('opens empty, is reported with its reason, and a read sends no Set-Cookie', async () => {
        const res = await app.get('/read', undecodable());
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('empty');
        expect(res.headers.getSetCookie()).toEqual([]);
        expect(invalid).toHaveLength(1);
        expect(invalid[0]).toBeInstanceOf(UndecodableSession);
        expect(invalid[0]).toMatchObject({ reason: 'too-large' });
      });

      it('is not overwritten by a write: the write fails with the reason and no Set-Cookie', async () => {
        const res = await app.post('/inc', undecodable());
        expect(res.status).toBe(500);
        expect(await res.text()).toBe('undecodable: too-large');
        expect(res.headers.getSetCookie()).toEqual([]);
      });

      it('is deleted when the handler clears the session on purpose', async () => {
        const res = await app.post('/clear', undecodable());
        expect(await res.text()).toBe('cleared');
        expect(res.headers.getSetCookie()).toEqual([
          'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
        ]);
      });

      it('is deleted when the handler destroys the session on purpose', async () => {
        const res = await app.post('/logout', undecodable());
        expect(await res.text()).toBe('ok');
        expect(res.headers.getSetCookie()).toEqual([
          'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
        ]);
      });

      it('is replaced when the handler regenerates the session, which keeps nothing of it', async () => {
        const res = await app.post('/login', undecodable());
        expect(await res.text()).toBe('ok');
        const next = cookieOf(res);
        expect(next).toBeDefined();
        expect(await (await app.get('/user', next)).text()).toBe('ann');
        expect(await (await app.get('/read', next)).text()).toBe('empty');
      });
    });

    it("answers a store outage while opening the session with the error handler's 503", async () => {
      const cookie = await app.counted();
      const res = await app.get('/read', `outage=1; ${cookie}`);
      expect(res.status).toBe(503);
      expect(await res.text()).toBe('unavailable');
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('adds Cookie to the Vary values the handler set, in one header', async () => {
      const res = await app.get('/vary', await app.counted());
      expect(await res.text()).toBe('1');
      expect(res.headers.get('Vary')).toBe('Accept, Accept-Language, Cookie');
    });

    it("re-signs an old key's cookie even when the handler never touches the session, without Vary", async () => {
      const res = await app.get('/none', await oldApp.counted());
      expect(await res.text()).toBe('untouched');
      const resigned = cookieOf(res);
      expect(
        new CookieSessionStore({ secretKey: NEW_KEY, now: clock.now }).open(resigned).session.get('count'),
      ).toBe(1);
      expect(res.headers.get('Vary')).toBeNull();
    });

    it('expires a session once its signature is older than the lifetime', async () => {
      const cookie = await app.counted();
      clock.advanceSeconds(LIFETIME_SECONDS);
      expect(await (await app.get('/read', cookie)).text()).toBe('1');
      expect(invalid).toEqual([]);
      clock.advanceSeconds(1);
      const res = await app.get('/read', cookie);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('empty');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toBeInstanceOf(SignatureExpired);
    });

    it('treats a tampered cookie as a new empty session, answers 200, and reports it', async () => {
      const cookie = await app.counted();
      const tampered = cookie.slice(0, -1) + (cookie.endsWith('A') ? 'B' : 'A');
      const res = await app.get('/read', tampered);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('empty');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toBeInstanceOf(BadData);
    });

    it('refreshes a permanent session that was read, with a new timestamp and expiry', async () => {
      const first = await permanentApp.counted();
      clock.advanceSeconds(60);
      const res = await permanentApp.get('/read', first);
      expect(await res.text()).toBe('1');
      const [header] = res.headers.getSetCookie();
      expect(header).toContain(`; Max-Age=${LIFETIME_SECONDS};`);
      expect(header).toContain(`; Expires=${new Date(clock.ms + LIFETIME_SECONDS * 1000).toUTCString()};`);
      const refreshed = cookieOf(res);
      expect(refreshed).not.toBe(first);
      // The same payload: only the timestamp and the signature changed.
      expect(refreshed?.split('.')[0]).toBe(first.split('.')[0]);
    });

    it('leaves the cookie alone on an error response, which must not refresh it', async () => {
      const first = await permanentApp.counted();
      clock.advanceSeconds(60);
      const res = await permanentApp.get('/fail', first);
      expect(res.status).toBe(400);
      expect(await res.text()).toBe('1');
      expect(res.headers.getSetCookie()).toEqual([]);
    });
  },
);

/**
 * The session's life (destroy, regenerate, touch) in every adapter with every kind of store: the
 * cookie, SQLite on a real file, a real Redis, and Flask-Session's layout on that Redis (its
 * defaults: permanent sessions, unsigned ids), over real HTTP.
 */
interface LifeStore {
  readonly name: string;
  readonly serverSide: boolean;
  make(options: { permanent?: boolean }): SessionStore;
}

let redis: RedisProcess | undefined;
let dir = '';
let files = 0;
const LIFE_KEY = 'the-key-of-the-session-life-suite';
const LIFE_STORES: readonly LifeStore[] = [
  {
    name: 'the cookie store',
    serverSide: false,
    make: (o) => new CookieSessionStore({ secretKey: LIFE_KEY, ...o }),
  },
  {
    name: 'a SQLite store',
    serverSide: true,
    make: (o) =>
      new SqliteSessionStore({ path: join(dir, `life${files++}.sqlite3`), secretKey: LIFE_KEY, ...o }),
  },
  {
    name: 'a Redis store',
    serverSide: true,
    make: (o) =>
      new RedisSessionStore({
        url: redis?.url ?? '',
        keyPrefix: `life${files++}:`,
        secretKey: LIFE_KEY,
        ...o,
      }),
  },
  {
    name: 'a Flask-Session Redis store',
    serverSide: true,
    make: (o) =>
      new FlaskSessionRedisStore({
        url: redis?.url ?? '',
        keyPrefix: `life${files++}:`,
        secretKey: LIFE_KEY,
        ...o,
      }),
  },
];

describe('the session life', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adapters-life-'));
    redis = await startRedis();
  });

  afterAll(async () => {
    if (redis) await stopAll([redis]);
    rmSync(dir, { recursive: true, force: true });
  });

  describe.each(ADAPTERS.flatMap((adapter) => LIFE_STORES.map((store) => ({ adapter, store }))))(
    '$adapter.name adapter with $store.name',
    ({ adapter, store }: { adapter: AdapterHarness; store: LifeStore }) => {
      let current: RunningApp;
      let permanent: RunningApp;
      const stores: SessionStore[] = [];
      const app = client(() => current);
      const permanentApp = client(() => permanent);

      beforeAll(async () => {
        stores.push(store.make({}), store.make({ permanent: true }));
        current = await adapter.start({ store: stores[0] as SessionStore });
        permanent = await adapter.start({ store: stores[1] as SessionStore });
      });

      afterAll(async () => {
        await Promise.all([current.close(), permanent.close()]);
        for (const s of stores) await s.close?.();
      });

      it('destroy() answers with an expired Set-Cookie; a server-side id stops working', async () => {
        const cookie = await app.counted();
        const res = await app.post('/logout', cookie);
        expect(await res.text()).toBe('ok');
        expect(res.headers.getSetCookie()).toEqual([
          'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
        ]);
        // A signed cookie cannot be revoked; a server-side id can.
        expect(await (await app.get('/read', cookie)).text()).toBe(store.serverSide ? 'empty' : '1');
      });

      it('regenerate() keeps the data under a new cookie; a server-side old id stops working', async () => {
        const cookie = await app.counted();
        const res = await app.post('/login', cookie);
        expect(await res.text()).toBe('ok');
        const next = cookieOf(res);
        expect(next).toBeDefined();
        expect(await (await app.get('/user', next)).text()).toBe('ann');
        expect(await (await app.get('/read', next)).text()).toBe('1');
        if (store.serverSide) {
          expect(next).not.toBe(cookie);
          expect(await (await app.get('/read', cookie)).text()).toBe('empty');
        }
      });

      it('destroy() and regenerate() discard a cookie that verifies but cannot be decoded', async () => {
        // A Flask cookie signed with the app's key that inflates past the cap: a server-side store
        // cannot import it, the cookie store cannot read it; only an explicit new session replaces it.
        const { serializer } = new CookieSessionStore({ secretKey: LIFE_KEY });
        const json = JSON.stringify({ note: 'a'.repeat(70_000) });
        const cookie = `session=${serializer.signPayload('.' + base64UrlEncode(deflateSync(json)))}`;
        const refused = await app.post('/inc', cookie);
        expect([refused.status, await refused.text()]).toEqual([500, 'undecodable: too-large']);
        expect(refused.headers.getSetCookie()).toEqual([]);

        const out = await app.post('/logout', cookie);
        expect(out.headers.getSetCookie()).toEqual([
          'session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Lax',
        ]);
        const login = await app.post('/login', cookie);
        expect(await login.text()).toBe('ok');
        const next = cookieOf(login);
        expect(next).toBeDefined();
        expect(await (await app.get('/user', next)).text()).toBe('ann');
        expect(await (await app.get('/read', next)).text()).toBe('empty');
      });

      it('regenerate({ keepData: false }) keeps only what was set afterwards', async () => {
        const cookie = await app.counted();
        const next = cookieOf(await app.post('/login-fresh', cookie));
        expect(await (await app.get('/user', next)).text()).toBe('ann');
        expect(await (await app.get('/read', next)).text()).toBe('empty');
      });

      it('touch() of a permanent session re-sends its cookie with a full Max-Age', async () => {
        const cookie = await permanentApp.counted();
        const res = await permanentApp.post('/touch', cookie);
        expect(await res.text()).toBe('ok');
        const [header] = res.headers.getSetCookie();
        expect(header).toContain(`; Max-Age=${SESSION_LIFETIME};`);
        expect(await (await permanentApp.get('/read', cookieOf(res))).text()).toBe('1');
      });
    },
  );
});
