/**
 * What only the Redis store does: TTLs, the key layout's promises, and how an outage reads to an
 * operator (refused, hung, out of memory, stopped). Real redis-server processes on free ports.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionConfigError, StoreUnavailable } from '../errors.js';
import { saveNewSession } from '../../test/support/server-session.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { maskRedisUrl, RedisSessionStore, type RedisStoreOptions } from './redis.js';
import { hashId } from './server-store.js';

const secretKey = 'redis store tests: a long enough key';
const DAY_MS = 86_400_000;
let redis: RedisProcess;
const opened: RedisSessionStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await stopAll([redis]);
});

function store(options: Partial<RedisStoreOptions> = {}): RedisSessionStore {
  const s = new RedisSessionStore({ url: redis.url, secretKey, ...options });
  opened.push(s);
  return s;
}

/** The node's own client, for the commands a cluster client does not offer. */
const node = (s: RedisSessionStore) => s.backend.client as RedisClientType;

const keyOf = (cookie: string) =>
  `session:${hashId(cookie.slice(cookie.indexOf('=') + 1).split('.')[0] ?? '')}`;

describe('TTLs', () => {
  it('expires the key when the session does, and moves the TTL when the expiry slides', async () => {
    let t = Math.ceil(Date.now() / 1000) * 1000 + DAY_MS;
    const s = store({ lifetimeSeconds: 3600, permanent: true, now: () => t });
    const start = t;
    const cookie = await saveNewSession(s, { n: '1' });
    expect(await node(s).pExpireTime(keyOf(cookie))).toBe(start + 3_600_000);
    t = start + 600_000;
    const { session } = await s.open(cookie);
    session.get('n');
    expect((await s.commit(session)).kind).toBe('set');
    expect(await node(s).pExpireTime(keyOf(cookie))).toBe(start + 4_200_000);
  });

  it('uses the key prefix it is given', async () => {
    const s = store({ keyPrefix: 'app1:' });
    const cookie = await saveNewSession(s, { n: '1' });
    expect(await node(s).exists(keyOf(cookie).replace('session:', 'app1:'))).toBe(1);
    expect(await node(s).exists(keyOf(cookie))).toBe(0);
  });

  it('answers ping, and closes gracefully: a command in flight still gets its answer', async () => {
    const s = new RedisSessionStore({ url: redis.url, secretKey });
    await s.ping();
    const inFlight = node(s).set('close-test', '1');
    await s.close();
    await expect(inFlight).resolves.toBe('OK');
    expect(s.backend.client.isOpen).toBe(false);
  });
});

describe('outages, as an operator reads them', () => {
  it('names the address and the refusal when nothing listens, and reports only connection errors', async () => {
    const errors: Error[] = [];
    const s = store({ url: 'redis://127.0.0.1:1', timeoutMs: 200, onError: (e) => errors.push(e) });
    const error = await s.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toBe(
      'Redis does not answer: Redis at redis://127.0.0.1:1 did not answer ' +
        '(no connection within 200 ms; connect ECONNREFUSED 127.0.0.1:1)',
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.message === 'connect ECONNREFUSED 127.0.0.1:1')).toBe(true);
  });

  it('names every cluster node when none can be reached, and tries again on the next request', async () => {
    const s = store({ clusterNodes: ['redis://127.0.0.1:1', 'redis://127.0.0.1:2'], timeoutMs: 200 });
    for (let i = 0; i < 2; i++) {
      const error = await s.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailable);
      expect((error as Error).message).toMatch(
        /^Redis does not answer: the Redis Cluster at redis:\/\/127\.0\.0\.1:1, redis:\/\/127\.0\.0\.1:2 did not answer \(.+\)$/,
      );
    }
  });

  describe('a server that accepts connections but never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('fails with StoreUnavailable after the timeout, saying there was no connection', async () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      const s = store({ url: `redis://127.0.0.1:${port}`, timeoutMs: 150 });
      const failure = await s.ping().catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(StoreUnavailable);
      expect((failure as Error).message).toBe(
        `Redis does not answer: Redis at redis://127.0.0.1:${port} did not answer (no connection within 150 ms)`,
      );
    });
  });

  describe('a Redis that stops answering (paused) or is stopped', () => {
    let own: RedisProcess;
    beforeAll(async () => {
      own = await startRedis();
    });
    afterAll(async () => {
      await stopAll([own]);
    });

    it('fails each command within the timeout with a message that says which one, then recovers', async () => {
      const s = store({ url: own.url, timeoutMs: 200, lifetimeSeconds: 3600, permanent: true });
      const cookie = await saveNewSession(s, { n: '1' });
      const { session } = await s.open(cookie);
      const pid = /process_id:(\d+)/.exec(await node(s).info('server'))?.[1];
      process.kill(Number(pid), 'SIGSTOP');
      const where = `Redis at ${own.url} did not answer (no answer within 200 ms)`;
      try {
        const failures = await Promise.all([
          s.open(cookie).catch((e: unknown) => e),
          s.update(session, (x) => x.set('n', '2')).catch((e: unknown) => e),
          s.backend.touch('k', Date.now() + DAY_MS).catch((e: unknown) => e),
          s.backend.remove('k').catch((e: unknown) => e),
          s.ping().catch((e: unknown) => e),
        ]);
        for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailable);
        expect(failures.map((f) => (f as Error).message)).toEqual([
          `Cannot read a session: ${where}`,
          `Cannot read a session: ${where}`, // the read that starts a write
          `Cannot refresh a session: ${where}`,
          `Cannot remove a session: ${where}`,
          `Redis does not answer: ${where}`,
        ]);
      } finally {
        process.kill(Number(pid), 'SIGCONT');
      }
      const again = store({ url: own.url });
      expect((await again.open(cookie)).session.get('n')).toBe('1');
    });

    it('closes within the timeout while Redis does not answer a command in flight', async () => {
      const s = new RedisSessionStore({ url: own.url, secretKey, timeoutMs: 200 });
      await s.ping();
      const pid = /process_id:(\d+)/.exec(await node(s).info('server'))?.[1];
      process.kill(Number(pid), 'SIGSTOP');
      try {
        const inFlight = node(s)
          .set('close-while-paused', '1')
          .catch((e: unknown) => e);
        await s.close();
        expect(s.backend.client.isOpen).toBe(false);
        // Cut, not answered: the command fails instead of holding its caller.
        expect(await inFlight).toMatchObject({ message: 'Disconnects client' });
      } finally {
        process.kill(Number(pid), 'SIGCONT');
      }
    });

    it('fails at once while Redis is stopped, however long the timeout', async () => {
      const s = store({ url: own.url, timeoutMs: 60_000 });
      const cookie = await saveNewSession(s, { n: '1' });
      await own.stop();
      while (node(s).isReady) await new Promise((resolve) => setTimeout(resolve, 10));
      try {
        await expect(s.open(cookie)).rejects.toBeInstanceOf(StoreUnavailable);
      } finally {
        await own.restart();
      }
    });
  });

  it('says a save failed when Redis refuses writes (out of memory), and keeps what was saved', async () => {
    const s = store();
    const cookie = await saveNewSession(s, { n: '1' });
    await node(s).configSet('maxmemory', '1');
    let update: unknown;
    let action: unknown;
    try {
      const { session } = await s.open(cookie);
      update = await s.update(session, (x) => x.set('n', '2')).catch((e: unknown) => e);
      session.set('token', 't');
      action = await s.commit(session);
    } finally {
      await node(s).configSet('maxmemory', '0');
    }
    expect(update).toBeInstanceOf(StoreUnavailable);
    expect((update as Error).message).toMatch(
      new RegExp(`^Cannot save a session: Redis at ${redis.url} did not answer \\(OOM command not allowed`),
    );
    expect(action).toEqual({ kind: 'failed', error: expect.any(StoreUnavailable) as unknown });
    expect((await s.open(cookie)).session.get('n')).toBe('1');
  });

  it('closes a store that never connected', async () => {
    const s = new RedisSessionStore({ url: 'redis://127.0.0.1:1', secretKey, timeoutMs: 100 });
    await expect(s.ping()).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(s.close()).resolves.toBeUndefined();
  });
});

describe('credentials in URLs', () => {
  const PASSWORD = 'wr0ng-Pa55word';
  let guarded: RedisProcess;

  beforeAll(async () => {
    guarded = await startRedis();
    // Set after start, so that the helper's own readiness check needs no password.
    const set = spawnSync('redis-cli', [
      '-p',
      String(guarded.port),
      'CONFIG',
      'SET',
      'requirepass',
      'the-real-one',
    ]);
    expect(set.stdout.toString().trim()).toBe('OK');
  });
  afterAll(async () => {
    await stopAll([guarded]);
  });

  /** Every text an operator or a log could see from a failure, and the errors onError was given. */
  function everyText(error: unknown, told: readonly Error[]): string {
    const texts: string[] = [];
    for (const e of [error, (error as StoreUnavailable).originalError, ...told]) {
      if (e instanceof Error)
        texts.push(e.message, e.stack ?? '', e.cause instanceof Error ? e.cause.message : '');
    }
    return texts.join('\n');
  }

  it.each([
    ['masks the password of a URL', 'redis://user:pw@host:6379/2', 'redis://user:***@host:6379/2'],
    ['masks a password with no user', 'rediss://:pw@host', 'rediss://:***@host'],
    ['masks a password holding an @ up to the last one', 'redis://u:p@ss@host', 'redis://u:***@host'],
    ['leaves a URL without a password alone', 'redis://user@host:6379', 'redis://user@host:6379'],
    ['leaves a URL without credentials alone', 'redis://127.0.0.1:6379', 'redis://127.0.0.1:6379'],
  ])('%s', (_, url, masked) => {
    expect(maskRedisUrl(url)).toBe(masked);
  });

  it('never shows the password when Redis refuses it, in the error, its cause or onError', async () => {
    const told: Error[] = [];
    const url = `redis://default:${PASSWORD}@127.0.0.1:${guarded.port}`;
    const s = store({ url, timeoutMs: 500, onError: (e) => told.push(e) });
    const error = await s.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailable);
    expect((error as Error).message).toContain(
      `Redis at redis://default:***@127.0.0.1:${guarded.port} did not answer`,
    );
    // The refusal itself is said, so the operator knows to check the password.
    expect(everyText(error, told)).toMatch(/WRONGPASS|invalid username-password/);
    expect(everyText(error, told)).not.toContain(PASSWORD);
    const read = await s.open(await saveNewSessionCookieFor(s)).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(StoreUnavailable);
    expect(everyText(read, told)).not.toContain(PASSWORD);
  });

  it('never shows the password, encoded or not, of an unreachable URL or cluster node', async () => {
    const told: Error[] = [];
    const encoded = 'p%40ss%2Fw0rd';
    for (const options of [
      { url: `redis://user:${encoded}@127.0.0.1:1` },
      { url: `rediss://user:${PASSWORD}@127.0.0.1:1` },
      { clusterNodes: [`redis://user:${PASSWORD}@127.0.0.1:1`, `redis://:${encoded}@127.0.0.1:2`] },
    ]) {
      const s = store({ ...options, timeoutMs: 200, onError: (e) => told.push(e) });
      const error = await s.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailable);
      expect((error as Error).message).toMatch(/redis?s?:\/\/(user)?:\*\*\*@127\.0\.0\.1:1/);
      const texts = everyText(error, told);
      for (const secret of [PASSWORD, encoded, 'p@ss/w0rd']) expect(texts).not.toContain(secret);
    }
  });

  it('stops at construction on a URL the client cannot use, without the password', () => {
    const error = (() => {
      try {
        store({ url: `redis://user:${PASSWORD}@127.0.0.1:1/not-a-database` });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SessionConfigError);
    expect((error as Error).message).toBe(
      'Cannot use Redis at redis://user:***@127.0.0.1:1/not-a-database (Invalid pathname): ' +
        'give redis[s]://[user:password@]host[:port][/database].',
    );
  });
});

/** A cookie carrying a well-formed, signed id, so that opening it has to ask Redis. */
async function saveNewSessionCookieFor(s: RedisSessionStore): Promise<string> {
  const other = store();
  const cookie = await saveNewSession(other, { n: '1' });
  expect(s.cookieName).toBe(other.cookieName);
  return cookie;
}
