/**
 * What only server-side stores do: ids, strictness, expiry, regeneration, conflicts, outages.
 * SQLite on a real file in a temp folder; Redis as a real redis-server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadSignature, SessionConflict, StoreUnavailable, UnknownSession } from '../errors.js';
import { Signer } from '../signer.js';
import type { Session } from '../session.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { RedisSessionStore } from './redis.js';
import { ServerSessionStore, hashId, type SessionBackend } from './server-store.js';
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
