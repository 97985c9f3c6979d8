/**
 * What FlaskSessionRedisStore adds to the server store: Flask-Session's key layout, ids and id
 * signing, its TTLs, and compare-and-set on the stored bytes. Real redis-server processes; the
 * signed-id vectors come from itsdangerous 2.2 (`Signer(key, salt='flask-session',
 * key_derivation='hmac').sign(id)`). test/flask/flask-session.test.ts runs real Flask-Session.
 */
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BadSignature,
  SessionConfigError,
  SessionTooLarge,
  UndecodableSession,
  UnknownSession,
} from '../errors.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import {
  FLASK_SESSION_DEFAULTS,
  FlaskSessionRedisStore,
  type FlaskSessionRedisOptions,
} from './flask-session-redis.js';
import { decodeSession, encodeSession } from './msgspec.js';

const secretKey = 'flask-session-redis tests: a long enough key';
const previousKey = 'the previous key of these tests, also long';
const ID = 'A'.repeat(43);
const SIGNED = `${ID}.ONcXkKXwGa1CDZW3x4_MpolujTo`;
const SIGNED_BY_PREVIOUS = `${ID}.bDzA5KSOT7df4hXCSo4IC9wYg2A`;
const DAY_MS = 86_400_000;
let redis: RedisProcess;
const opened: FlaskSessionRedisStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await stopAll([redis]);
});

/** A store whose connection is up (so the raw client may be used at once). */
async function store(options: Partial<FlaskSessionRedisOptions> = {}): Promise<FlaskSessionRedisStore> {
  const s = new FlaskSessionRedisStore({ url: redis.url, secretKey, cookie: { secure: false }, ...options });
  opened.push(s);
  await s.ping();
  return s;
}

const node = (s: FlaskSessionRedisStore) => s.backend.client as RedisClientType;
const cookieOf = (header: string) => (header.split(';')[0] ?? '').slice('session='.length);

async function getBytes(s: FlaskSessionRedisStore, key: string): Promise<Buffer | null> {
  return (await node(s)
    .withTypeMapping({ [36]: Buffer } as never)
    .get(key)) as Buffer | null;
}

/** A new session holding `data`; the cookie value sent. */
async function saveNew(s: FlaskSessionRedisStore, data: Record<string, string | number>): Promise<string> {
  const { session } = await s.open(undefined);
  await s.update(session, (x) => {
    for (const [k, v] of Object.entries(data)) x.set(k, v);
  });
  const action = await s.commit(session);
  if (action.kind !== 'set') throw new Error(`expected a cookie, got ${action.kind}`);
  return cookieOf(action.header);
}

describe('defaults: Flask-Session 0.8', () => {
  it('stores msgspec MessagePack under session:<id>, the id token_urlsafe(32) unsigned, the session permanent', async () => {
    const s = await store();
    expect(FLASK_SESSION_DEFAULTS).toMatchObject({
      keyPrefix: 'session:',
      idLengthBytes: 32,
      useSigner: false,
    });
    expect([s.serializationFormat, s.useSigner, s.idLengthBytes, s.permanent]).toEqual([
      'msgpack',
      false,
      32,
      true,
    ]);
    const cookie = await saveNew(s, { user: 'ann' });
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bytes = await getBytes(s, `session:${cookie}`);
    expect(bytes?.toString('hex')).toBe(
      encodeSession({ user: 'ann', _permanent: true }, 'msgpack').toString('hex'),
    );
  });

  it('makes a different id for each session', async () => {
    const s = await store();
    const [a, b] = [await saveNew(s, { n: 1 }), await saveNew(s, { n: 1 })];
    expect(a).not.toBe(b);
  });

  it('sends a cookie with the lifetime as Max-Age, and none when the session is not permanent', async () => {
    const s = await store({ lifetimeSeconds: 600 });
    const { session } = await s.open(undefined);
    await s.update(session, (x) => x.set('a', 1));
    const action = await s.commit(session);
    expect(action.kind === 'set' && action.header).toMatch(/Max-Age=600/);
    const t = await store({ permanent: false });
    const opened2 = await t.open(undefined);
    await t.update(opened2.session, (x) => x.set('a', 1));
    const plain = await t.commit(opened2.session);
    expect(plain.kind === 'set' && plain.header).not.toMatch(/Max-Age/);
  });
});

describe('options', () => {
  it('uses the key prefix, the JSON format and the id length it is given', async () => {
    const s = await store({ keyPrefix: 'app:', serializationFormat: 'json', idLengthBytes: 16 });
    const cookie = await saveNew(s, { user: 'ann' });
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect((await getBytes(s, `app:${cookie}`))?.toString()).toBe('{"user":"ann","_permanent":true}');
    expect(await node(s).exists(`session:${cookie}`)).toBe(0);
    expect(s.measure((await s.open(`session=${cookie}`)).session)).toBe(32);
  });

  it('reads the other format, as Flask-Session does, and writes its own', async () => {
    const s = await store();
    await node(s).set(`session:${ID}`, '{"a":1}');
    const { session } = await s.open(`session=${ID}`);
    expect(session.get('a')).toBe(1);
    await s.update(session, (x) => x.set('b', 2));
    expect((await getBytes(s, `session:${ID}`))?.toString('hex')).toBe(
      encodeSession({ a: 1, b: 2, _permanent: true }, 'msgpack').toString('hex'),
    );
  });

  it.each([
    [{ serializationFormat: 'pickle' as never }, /serializationFormat must be 'msgpack' or 'json'.*"pickle"/],
    [
      { idLengthBytes: 15 },
      /idLengthBytes \(SESSION_ID_LENGTH\) must be a whole number from 16 to 1024, not 15/,
    ],
    [{ idLengthBytes: 1025 }, /from 16 to 1024, not 1025/],
    [{ idLengthBytes: 16.5 }, /not 16.5/],
    [{ absoluteLifetimeSeconds: 60 } as never, /Flask-Session keeps no creation time/],
    [{ lifetimeSeconds: 0 }, /lifetimeSeconds must be a positive whole number/],
  ])('refuses %o at construction with SessionConfigError', (options, message) => {
    expect(() => new FlaskSessionRedisStore({ url: redis.url, secretKey, ...options })).toThrow(
      SessionConfigError,
    );
    expect(() => new FlaskSessionRedisStore({ url: redis.url, secretKey, ...options })).toThrow(message);
  });

  it('accepts the bounds of the id length', async () => {
    expect((await store({ idLengthBytes: 16 })).idLengthBytes).toBe(16);
    expect((await store({ idLengthBytes: 1024 })).idLengthBytes).toBe(1024);
  });
});

describe('ids in the cookie', () => {
  it('signs ids as itsdangerous does with salt flask-session, and opens them', async () => {
    const s = await store({ useSigner: true });
    await node(s).set(`session:${ID}`, encodeSession({ a: 'b' }, 'msgpack'));
    const { session, error } = await s.open(`session=${SIGNED}`);
    expect(error).toBeUndefined();
    expect(session.get('a')).toBe('b');
    const cookie = await saveNew(s, { n: 1 });
    const id = cookie.slice(0, cookie.indexOf('.'));
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await node(s).exists(`session:${id}`)).toBe(1);
  });

  it('opens an id signed by a fallback key and re-signs it with the current one', async () => {
    const s = await store({ useSigner: true, fallbackSecretKeys: [previousKey] });
    await node(s).set(`session:${ID}`, encodeSession({ a: 'b' }, 'msgpack'));
    const { session } = await s.open(`session=${SIGNED_BY_PREVIOUS}`);
    expect(session.get('a')).toBe('b');
    const action = await s.commit(session);
    expect(action.kind === 'set' && cookieOf(action.header)).toBe(SIGNED);
  });

  it('refuses an unsigned id when ids are signed, and a signed one when they are not', async () => {
    const signed = await store({ useSigner: true });
    await node(signed).set(`session:${ID}`, encodeSession({ a: 'b' }, 'msgpack'));
    expect((await signed.open(`session=${ID}`)).error).toBeInstanceOf(BadSignature);
    const unsigned = await store();
    expect((await unsigned.open(`session=${SIGNED}`)).error).toBeInstanceOf(UnknownSession);
    expect((await unsigned.open(`session=${ID}`)).session.get('a')).toBe('b');
  });

  it.each([
    ['too short', 'A'.repeat(42)],
    ['too long', 'A'.repeat(44)],
    ['not URL-safe base64', `${'A'.repeat(42)}+`],
    ['a key pattern', `${'A'.repeat(42)}*`],
  ])('refuses an id that is %s before asking Redis', async (_, id) => {
    const s = await store();
    await node(s).set(`session:${id}`, encodeSession({ a: 'b' }, 'msgpack'));
    const { session, error } = await s.open(`session=${id}`);
    expect(error).toBeInstanceOf(UnknownSession);
    expect(error?.message).toBe('The session id is malformed');
    expect(session.isEmpty).toBe(true);
  });

  it('refuses a validly signed id of the wrong shape', async () => {
    const s = await store({ useSigner: true, idLengthBytes: 16 });
    const { error } = await s.open(`session=${SIGNED}`);
    expect(error?.message).toBe('The session id is malformed');
  });

  it('opens, whatever its id length, the ids of imported cookies (42 characters and _), and no other length', async () => {
    const s = await store({ idLengthBytes: 16 });
    const imported = `${'A'.repeat(42)}_`;
    await node(s).set(`session:${imported}`, encodeSession({ a: 'b' }, 'msgpack'));
    await node(s).set(`session:${ID}`, encodeSession({ a: 'b' }, 'msgpack'));
    expect((await s.open(`session=${imported}`)).session.get('a')).toBe('b');
    expect((await s.open(`session=${ID}`)).error?.message).toBe('The session id is malformed');
  });

  it('removes, not tombstones, an emptied session whose random id happens to end in _', async () => {
    // 18 bytes make 24 characters whose last carries 6 bits: "_" one time in 64. Never taken for
    // an imported cookie's id, whose empty record would stay behind as a tombstone.
    class EndsInUnderscore extends FlaskSessionRedisStore {
      protected override newId(): string {
        return `${'E'.repeat(23)}_`;
      }
    }
    const s = new EndsInUnderscore({ url: redis.url, secretKey, idLengthBytes: 18 });
    opened.push(s);
    const cookie = await saveNew(s, { n: 1 });
    expect(cookie).toBe(`${'E'.repeat(23)}_`);
    const { session } = await s.open(`session=${cookie}`);
    await s.update(session, (x) => x.clear());
    expect(await node(s).exists(`session:${cookie}`)).toBe(0);
  });

  it('starts a new session, with a new id, for an id Redis does not hold', async () => {
    const s = await store();
    const { session, error } = await s.open(`session=${'B'.repeat(43)}`);
    expect(error).toBeInstanceOf(UnknownSession);
    await s.update(session, (x) => x.set('a', 1));
    const action = await s.commit(session);
    expect(action.kind === 'set' && cookieOf(action.header)).not.toBe('B'.repeat(43));
    expect(await node(s).exists(`session:${'B'.repeat(43)}`)).toBe(0);
  });
});

describe('the backend', () => {
  it('removes a key under its prefix, and nothing else', async () => {
    const s = await store({ keyPrefix: 'rm:' });
    await node(s).set(`rm:${ID}`, 'x');
    await node(s).set(`session:${ID}`, 'y');
    await s.backend.remove(ID);
    expect(await node(s).exists(`rm:${ID}`)).toBe(0);
    expect(await node(s).get(`session:${ID}`)).toBe('y');
  });

  it('says which step failed when Redis does not answer', async () => {
    const s = new FlaskSessionRedisStore({ url: 'redis://127.0.0.1:1', secretKey, timeoutMs: 200 });
    opened.push(s);
    await expect(s.open(`session=${ID}`)).rejects.toThrow(
      /^Cannot read a session: Redis at redis:\/\/127\.0\.0\.1:1 did not answer/,
    );
    await expect(s.backend.touch(ID, Date.now())).rejects.toThrow(/^Cannot refresh a session: /);
    await expect(s.backend.remove(ID)).rejects.toThrow(/^Cannot remove a session: /);
  });
});

describe('TTLs, as Flask-Session sets them', () => {
  it('sets the TTL to the lifetime at each write, and slides it for a permanent session in use', async () => {
    let t = Math.ceil(Date.now() / 1000) * 1000 + DAY_MS;
    const start = t;
    const s = await store({ lifetimeSeconds: 3600, now: () => t });
    const cookie = await saveNew(s, { n: 1 });
    expect(await node(s).pExpireTime(`session:${cookie}`)).toBe(start + 3_600_000);
    t = start + 600_000;
    const { session } = await s.open(`session=${cookie}`);
    session.get('n');
    expect((await s.commit(session)).kind).toBe('set');
    expect(await node(s).pExpireTime(`session:${cookie}`)).toBe(start + 4_200_000);
    t = start + 700_000;
    await s.update(session, (x) => x.set('n', 2));
    expect(await node(s).pExpireTime(`session:${cookie}`)).toBe(start + 4_300_000);
  });

  it('reads a key without a TTL, and never slides it', async () => {
    const s = await store();
    await node(s).set(`session:${ID}`, encodeSession({ a: 'b', _permanent: true }, 'msgpack'));
    const { session } = await s.open(`session=${ID}`);
    session.get('a');
    expect((await s.commit(session)).kind).toBe('none');
    expect(await node(s).pTTL(`session:${ID}`)).toBe(-1);
  });

  it('judges expiry by the store clock: a key past it opens as unknown, and is written over without a conflict', async () => {
    let t = Date.now();
    const s = await store({ lifetimeSeconds: 100, now: () => t });
    const cookie = await saveNew(s, { n: 1 });
    t += 100_000;
    const opened = await s.open(`session=${cookie}`);
    expect(opened.error).toBeInstanceOf(UnknownSession);
    expect(await node(s).exists(`session:${cookie}`)).toBe(1); // Redis's own clock has not got there
    const seen: unknown[] = [];
    const record = { data: 'next', createdMs: t, expiresMs: t + DAY_MS };
    const outcome = await s.backend.write(cookie, t, (current) => {
      seen.push(current);
      return record;
    });
    expect([outcome, seen]).toEqual([{ outcome: 'saved', version: 1 }, [undefined]]);
    expect(await node(s).get(`session:${cookie}`)).toBe('next');
  });

  it('removes the key and deletes the cookie when the session is emptied', async () => {
    const s = await store();
    const cookie = await saveNew(s, { n: 1 });
    const { session } = await s.open(`session=${cookie}`);
    await s.update(session, (x) => x.clear());
    expect((await s.commit(session)).kind).toBe('delete');
    expect(await node(s).exists(`session:${cookie}`)).toBe(0);
  });
});

describe('compare-and-set on the bytes read', () => {
  /** Runs `before` once, just before the store's first save reaches Redis. */
  function beforeFirstSave(s: FlaskSessionRedisStore, before: () => Promise<unknown>): void {
    const backend = s.backend as unknown as {
      command: (what: string, run: () => Promise<unknown>) => Promise<unknown>;
    };
    const original = backend.command.bind(backend);
    let done = false;
    backend.command = async (what, run) => {
      if (what === 'Cannot save a session' && !done) {
        done = true;
        await before();
      }
      return original(what, run);
    };
  }

  it('reruns the change on what another writer stored between its read and its write', async () => {
    const s = await store();
    const cookie = await saveNew(s, { count: 1 });
    const key = `session:${cookie}`;
    let runs = 0;
    beforeFirstSave(s, () =>
      node(s).set(key, encodeSession({ count: 10, other: 'tab' }, 'msgpack'), { KEEPTTL: true }),
    );
    const { session } = await s.open(`session=${cookie}`);
    await s.update(session, (x) => {
      runs++;
      x.set('count', Number(x.get('count')) + 1);
    });
    expect(runs).toBe(2);
    expect(decodeSession((await getBytes(s, key)) ?? Buffer.alloc(0), 'msgpack').data).toEqual({
      count: 11,
      other: 'tab',
      _permanent: true,
    });
  });

  it('answers conflict, writing nothing, when a key it read as absent was created meanwhile', async () => {
    const s = await store();
    const key = 'C'.repeat(43);
    beforeFirstSave(s, () => node(s).set(`session:${key}`, 'theirs'));
    const record = { data: 'mine', createdMs: 0, expiresMs: Date.now() + DAY_MS };
    expect(await s.backend.write(key, Date.now(), () => record)).toEqual({ outcome: 'conflict' });
    expect(await node(s).get(`session:${key}`)).toBe('theirs');
    // With nothing in the way: saved over what it read, with the expiry asked for.
    expect(await s.backend.write(key, Date.now(), () => record)).toEqual({ outcome: 'saved', version: 1 });
    expect(await node(s).pExpireTime(`session:${key}`)).toBe(record.expiresMs);
  });

  it('answers conflict, removing nothing, when the key changed before a removal', async () => {
    const s = await store();
    const key = 'D'.repeat(43);
    await node(s).set(`session:${key}`, 'first');
    beforeFirstSave(s, () => node(s).set(`session:${key}`, 'second'));
    expect(await s.backend.write(key, Date.now(), () => null)).toEqual({ outcome: 'conflict' });
    expect(await node(s).get(`session:${key}`)).toBe('second');
    expect(await s.backend.write(key, Date.now(), () => null)).toEqual({ outcome: 'saved', version: 0 });
    expect(await node(s).exists(`session:${key}`)).toBe(0);
  });

  it('moves to a new id when the key vanished between its read and its write', async () => {
    const s = await store();
    const cookie = await saveNew(s, { n: 1 });
    beforeFirstSave(s, () => node(s).del(`session:${cookie}`));
    const { session } = await s.open(`session=${cookie}`);
    await s.update(session, (x) => x.set('n', 2));
    const action = await s.commit(session);
    expect(action.kind).toBe('set');
    const next = action.kind === 'set' ? cookieOf(action.header) : '';
    expect(next).not.toBe(cookie);
    expect(await node(s).exists(`session:${cookie}`)).toBe(0);
    expect(
      decodeSession((await getBytes(s, `session:${next}`)) ?? Buffer.alloc(0), 'msgpack').data,
    ).toMatchObject({ n: 2 });
  });

  it('never overwrites data it cannot read: writes are refused until cleared, then go to a new id; the key stays as it was', async () => {
    const s = await store();
    const pickle = Buffer.from('80049505000000000000007d942e', 'hex');
    await node(s).set(`session:${ID}`, pickle);
    const { session, error } = await s.open(`session=${ID}`);
    expect(error).toBeInstanceOf(UndecodableSession);
    await expect(s.update(session, (x) => x.set('a', 1))).rejects.toThrow(UndecodableSession);
    session.clear(); // discarded on purpose: only then may a write go ahead
    await s.update(session, (x) => x.set('a', 1));
    const action = await s.commit(session);
    expect(action.kind === 'set' && cookieOf(action.header)).not.toBe(ID);
    expect((await getBytes(s, `session:${ID}`))?.equals(pickle)).toBe(true);
  });

  it('refuses a session over maxSessionBytes, counted in stored bytes', async () => {
    const s = await store({ maxSessionBytes: 40 });
    const { session } = await s.open(undefined);
    await expect(s.update(session, (x) => x.set('a', 'é'.repeat(15)))).rejects.toThrow(SessionTooLarge);
    await s.update(session, (x) => x.set('a', 'é'.repeat(10)));
    expect(s.measure(session)).toBe(encodeSession(session.toJSON(), 'msgpack').length);
  });
});
