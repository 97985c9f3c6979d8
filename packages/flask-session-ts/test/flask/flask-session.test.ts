/**
 * FlaskSessionRedisStore against real Flask-Session 0.8 (`SESSION_TYPE='redis'`) on a real
 * redis-server: each side reads what the other wrote, for every value type, in both of its
 * serialization formats, with unsigned and signed ids; TTLs and cookies as Flask-Session sets
 * them; and two Node writers on one session losing no update.
 */
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlaskSessionRedisStore } from '../../src/stores/flask-session-redis.js';
import { Uuid, type SessionData, type SessionValue } from '../../src/tagged-json.js';
import { flaskSessionPython } from '../support/flask-session-venv.js';
import { startRedis, stopAll, type RedisProcess } from '../support/redis-server.js';
import {
  cookieValue,
  FlaskSessionOracle,
  pyDict,
  type FlaskSessionConfig,
  type PyWire,
} from './flask-session-oracle.js';

const secret = 'flask-session interop tests: a long enough secret key';
const LIFETIME_SECONDS = 3600;
let redis: RedisProcess;
let oracle: FlaskSessionOracle;
let raw: RedisClientType;
const stores: FlaskSessionRedisStore[] = [];

beforeAll(async () => {
  // Fails with a message saying how to fix it when the venv cannot be made.
  const python = flaskSessionPython();
  redis = await startRedis();
  oracle = await FlaskSessionOracle.start(python);
  raw = createClient({ url: redis.url });
  await raw.connect();
});
afterAll(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await raw.close();
  await oracle.close();
  await stopAll([redis]);
});

type Format = 'msgpack' | 'json';

function setup(format: Format, useSigner: boolean, keyPrefix = 'session:') {
  const config: FlaskSessionConfig = {
    redisUrl: redis.url,
    secret,
    format,
    useSigner,
    keyPrefix,
    lifetime: LIFETIME_SECONDS,
    permanent: true,
    cookieName: 'session',
  };
  const store = () => {
    const s = new FlaskSessionRedisStore({
      url: redis.url,
      secretKey: secret,
      serializationFormat: format,
      useSigner,
      keyPrefix,
      lifetimeSeconds: LIFETIME_SECONDS,
      cookie: { secure: false },
    });
    stores.push(s);
    return s;
  };
  return { config, store };
}

/** Node saves `data` in a new session; the cookie value Node sent. */
async function nodeWrites(
  store: FlaskSessionRedisStore,
  data: SessionData,
  cookie?: string,
): Promise<string> {
  const { session } = await store.open(cookie === undefined ? undefined : `session=${cookie}`);
  await store.update(session, (s) => {
    for (const [key, value] of Object.entries(data)) if (value !== undefined) s.set(key, value);
  });
  const action = await store.commit(session);
  if (cookie !== undefined) return cookie;
  if (action.kind !== 'set') throw new Error(`expected a cookie, got ${action.kind}`);
  return cookieValue(action.header);
}

const DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 123));
const int = (n: number | bigint): PyWire => ({ $int: String(n) });
const float = (repr: string): PyWire => ({ $float: repr });

/** Every value type a Node session holds, and what Flask-Session reads: [msgpack, json]. */
const NODE_TO_FLASK: readonly (readonly [
  name: string,
  value: SessionValue,
  msgpack: PyWire,
  json: PyWire,
])[] = [
  ['str', 'héllo ☃ 😀 "q" \\ \n', 'héllo ☃ 😀 "q" \\ \n', 'héllo ☃ 😀 "q" \\ \n'],
  ['empty str', '', '', ''],
  ['int', 42, int(42), int(42)],
  ['negative int', -33, int(-33), int(-33)],
  ['int32', 2 ** 31, int(2 ** 31), int(2 ** 31)],
  ['float', 1.5, float('1.5'), float('1.5')],
  ['tiny float', 5e-324, float('5e-324'), float('5e-324')],
  ['-0', -0, int(0), int(0)],
  ['whole number past 1e16', 2 ** 60, float('1.152921504606847e+18'), float('1.152921504606847e+18')],
  ['bigint', 2n ** 63n, int(2n ** 63n), int(2n ** 63n)],
  ['negative bigint', -(2n ** 63n), int(-(2n ** 63n)), int(-(2n ** 63n))],
  ['true', true, true, true],
  ['false', false, false, false],
  ['null', null, null, null],
  ['bytes', new Uint8Array([0, 255]), { $bytes: 'AP8=' }, 'AP8='],
  ['date', DATE, { $datetime: '2024-01-02T03:04:05.123000+00:00' }, '2024-01-02T03:04:05.123000Z'],
  ['whole-second date', new Date(0), { $datetime: '1970-01-01T00:00:00+00:00' }, '1970-01-01T00:00:00Z'],
  [
    'date before 1970',
    new Date(Date.UTC(1900, 0, 1)),
    { $datetime: '1900-01-01T00:00:00+00:00' },
    '1900-01-01T00:00:00Z',
  ],
  [
    'uuid',
    new Uuid('12345678123456781234567812345678'),
    '12345678-1234-5678-1234-567812345678',
    '12345678-1234-5678-1234-567812345678',
  ],
  ['list', [1, 'a', [null]], [int(1), 'a', [null]], [int(1), 'a', [null]]],
  ['dict', { a: { b: 2 } }, pyDict({ a: pyDict({ b: int(2) }) }), pyDict({ a: pyDict({ b: int(2) }) })],
  [
    'long list',
    Array.from({ length: 20 }, () => 7),
    Array.from({ length: 20 }, () => int(7)),
    Array.from({ length: 20 }, () => int(7)),
  ],
  ['long str', 'x'.repeat(300), 'x'.repeat(300), 'x'.repeat(300)],
];

/** What Flask-Session writes and Node reads: [PYWIRE, msgpack, json]. */
const FLASK_TO_NODE: readonly (readonly [
  name: string,
  python: PyWire,
  msgpack: SessionValue,
  json: SessionValue,
])[] = [
  ['str', 'héllo ☃ 😀', 'héllo ☃ 😀', 'héllo ☃ 😀'],
  ['int', int(5), 5, 5],
  ['negative int', int(-70000), -70000, -70000],
  ['int past 2**53', int(2n ** 64n - 1n), 2n ** 64n - 1n, 2n ** 64n - 1n],
  ['float 1.0', float('1.0'), 1, 1],
  ['float', float('0.1'), 0.1, 0.1],
  ['float -0.0', float('-0.0'), -0, -0],
  ['nan', float('nan'), NaN, null],
  ['inf', float('inf'), Infinity, null],
  ['bool', true, true, true],
  ['None', null, null, null],
  ['bytes', { $bytes: 'AP8=' }, new Uint8Array([0, 255]), 'AP8='],
  ['aware datetime', { $datetime: '2024-01-02T03:04:05.123456+00:00' }, DATE, '2024-01-02T03:04:05.123456Z'],
  [
    'datetime in +02:00',
    { $datetime: '2024-01-02T05:04:05+02:00' },
    new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
    '2024-01-02T05:04:05+02:00',
  ],
  ['naive datetime', { $datetime: '2024-01-02T03:04:05' }, '2024-01-02T03:04:05', '2024-01-02T03:04:05'],
  ['tuple', { $tuple: [int(1), 'a'] }, [1, 'a'], [1, 'a']],
  ['set', { $set: [int(1)] }, [1], [1]],
  [
    'uuid',
    { $uuid: '12345678123456781234567812345678' },
    '12345678-1234-5678-1234-567812345678',
    '12345678-1234-5678-1234-567812345678',
  ],
  ['Decimal', { $decimal: '1.10' }, '1.10', '1.10'],
  ['int dict key', { $dict: [[int(1), 'a']] }, { '1': 'a' }, { '1': 'a' }],
  ['nested', pyDict({ a: [pyDict({ b: null })] }), { a: [{ b: null }] }, { a: [{ b: null }] }],
  ['flashes', [{ $tuple: ['message', 'Saved'] }], [['message', 'Saved']], [['message', 'Saved']]],
];

const MATRIX = [
  { format: 'msgpack', useSigner: false },
  { format: 'msgpack', useSigner: true },
  { format: 'json', useSigner: false },
  { format: 'json', useSigner: true },
] as const;

describe.each(MATRIX)('Flask-Session 0.8, $format, signed ids: $useSigner', ({ format, useSigner }) => {
  const column = format === 'msgpack' ? 2 : 3;

  it('reads every value type Node writes, as the Python value the fidelity table gives', async () => {
    const { config, store } = setup(format, useSigner);
    const data = Object.fromEntries(NODE_TO_FLASK.map((row) => [row[0], row[1]]));
    const cookie = await nodeWrites(store(), data);
    const seen = await oracle.read(config, cookie);
    expect(seen.new).toBe(false);
    const byKey = new Map(seen.value.$dict.map(([k, v]) => [k as string, v]));
    for (const row of NODE_TO_FLASK) expect([row[0], byKey.get(row[0])]).toEqual([row[0], row[column]]);
    // Flask-Session's default SESSION_PERMANENT=True, which this store follows.
    expect(byKey.get('_permanent')).toBe(true);
  });

  it('reads every value type Flask writes, as the TypeScript value the fidelity table gives', async () => {
    const { config, store } = setup(format, useSigner);
    const value = pyDict(Object.fromEntries(FLASK_TO_NODE.map((row) => [row[0], row[1]])));
    const setCookie = await oracle.write(config, { value });
    expect(setCookie).not.toBeNull();
    const { session, error } = await store().open(`session=${cookieValue(setCookie ?? '')}`);
    expect(error).toBeUndefined();
    const data = session.toJSON();
    for (const row of FLASK_TO_NODE) expect([row[0], data[row[0]]]).toEqual([row[0], row[column]]);
    expect(session.permanent).toBe(true);
  });

  it('writes back the keys Node did not change exactly as Flask wrote them', async () => {
    const { config, store } = setup(format, useSigner);
    const kept = pyDict({
      one: float('1.0'),
      intKeys: { $dict: [[int(1), 'a']] },
      micro: { $datetime: '2024-01-02T03:04:05.123456+00:00' },
      nan: float('nan'),
    });
    const cookie = cookieValue((await oracle.write(config, { value: kept })) ?? '');
    await nodeWrites(store(), { n: 2 }, cookie);
    const seen = await oracle.read(config, cookie);
    const byKey = new Map(seen.value.$dict.map(([k, v]) => [k as string, v]));
    expect(byKey.get('n')).toEqual(int(2));
    expect(byKey.get('one')).toEqual(float('1.0'));
    // msgspec.json writes int keys as text, nan as null and a datetime as text: what Flask itself
    // reads back in that format.
    expect(byKey.get('intKeys')).toEqual({ $dict: [[format === 'msgpack' ? int(1) : '1', 'a']] });
    expect(byKey.get('micro')).toEqual(
      format === 'msgpack'
        ? { $datetime: '2024-01-02T03:04:05.123456+00:00' }
        : '2024-01-02T03:04:05.123456Z',
    );
    expect(byKey.get('nan')).toEqual(format === 'msgpack' ? float('nan') : null);
  });

  it('sets the key, its TTL and the cookie as Flask-Session does', async () => {
    const { config, store } = setup(format, useSigner, 'app:');
    const nodeCookie = await nodeWrites(store(), { who: 'node' });
    const flaskSetCookie = (await oracle.write(config, { value: pyDict({ who: 'flask' }) })) ?? '';
    const flaskCookie = cookieValue(flaskSetCookie);
    const idOf = (c: string) => (useSigner ? c.slice(0, c.lastIndexOf('.')) : c);
    for (const cookie of [nodeCookie, flaskCookie]) {
      // token_urlsafe(32), stored under the prefix as it is.
      expect(idOf(cookie)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(cookie.includes('.')).toBe(useSigner);
      const ttl = await raw.ttl(`app:${idOf(cookie)}`);
      expect(ttl).toBeLessThanOrEqual(LIFETIME_SECONDS);
      expect(ttl).toBeGreaterThan(LIFETIME_SECONDS - 60);
    }
    expect(await raw.exists(`session:${idOf(nodeCookie)}`)).toBe(0);
    // Each side opens the other's cookie.
    expect((await oracle.read(config, nodeCookie)).sid).toBe(idOf(nodeCookie));
    const { session } = await store().open(`session=${flaskCookie}`);
    expect(session.get('who')).toBe('flask');
    expect(flaskSetCookie).toMatch(/Expires=/);
  });

  it('loses no update between two Node writers on one session, and Flask reads the total', async () => {
    const { config, store } = setup(format, useSigner);
    const [tab1, tab2] = [store(), store()];
    const cookie = await nodeWrites(tab1, { count: 0 });
    const increment = async (s: FlaskSessionRedisStore) => {
      for (let i = 0; i < 15; i++) {
        const { session } = await s.open(`session=${cookie}`);
        await s.update(session, (x) => x.set('count', Number(x.get('count')) + 1));
        await s.commit(session);
      }
    };
    await Promise.all([increment(tab1), increment(tab2)]);
    const seen = await oracle.read(config, cookie);
    expect(new Map(seen.value.$dict.map(([k, v]) => [k as string, v])).get('count')).toEqual(int(30));
  });

  it('sees a session Flask cleared as gone, and starts a new one', async () => {
    const { config, store } = setup(format, useSigner);
    const cookie = await nodeWrites(store(), { user: 'ann' });
    await oracle.write(config, { cookie, clear: true });
    const { session, error } = await store().open(`session=${cookie}`);
    expect(session.isEmpty).toBe(true);
    expect(error?.name).toBe('UnknownSession');
  });
});

describe('Flask-Session 0.8 refuses what this store refuses', () => {
  it('opens no session for a Node cookie signed with another key, nor Node for Flask', async () => {
    const { config, store } = setup('msgpack', true);
    const cookie = await nodeWrites(store(), { user: 'ann' });
    const other = { ...config, secret: 'another secret key, just as long as the first' };
    expect((await oracle.read(other, cookie)).new).toBe(true);
    const flaskCookie = cookieValue((await oracle.write(other, { value: pyDict({ a: 'b' }) })) ?? '');
    const { error } = await store().open(`session=${flaskCookie}`);
    expect(error?.name).toBe('BadSignature');
  });
});
