/**
 * What only the Redis store does: TTLs, the key layout's promises, and how an outage reads to an
 * operator (refused, hung, out of memory, stopped). Real redis-server processes on free ports.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable } from '../errors.js';
import { saveNewSession } from '../../test/support/server-session.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { RedisSessionStore, type RedisStoreOptions } from './redis.js';
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
