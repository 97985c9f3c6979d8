/**
 * The app on server-side sessions, as it runs: real `node dist/http/main.js` processes over real HTTP,
 * with SQLite on a real file and a real redis-server (AOF, `appendfsync always`).
 * - Two tabs of one visitor firing 50 adds each at once: all 100 land (sqlite with WORKERS=2;
 *   redis with two app instances); in cookie mode the last write wins, and the test says so.
 * - The same for a visitor's very first saves: the first page view reserved the session's id.
 * - Faults: Redis stopped mid-traffic gives 503 pages and the service comes back by itself;
 *   `kill -9` of the app (and of Redis) during writes keeps every holding whose POST got its 302.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, stopAll, type RedisProcess } from '../support/redis-server.js';
import { STORAGE_UNAVAILABLE_MESSAGE } from '../../src/http/app.js';
import { createCookieStore } from '../../src/session/stores.js';
import { urlFor } from '../../src/web/urls.js';
import { Client, tableRows, testConfig, textOf, type Page } from '../support/client.js';
import { startApp, type AppProcess } from './app-process.js';

let dir = '';
let redis: RedisProcess | undefined;
const apps: AppProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'server-stores-'));
  redis = await startRedis();
});

afterAll(async () => {
  await Promise.all(apps.splice(0).map((app) => app.stop()));
  if (redis) await stopAll([redis]);
  rmSync(dir, { recursive: true, force: true });
});

async function app(env: Record<string, string>, secretKey = 'k'.repeat(64)): Promise<AppProcess> {
  const running = await startApp({ env, secretKey });
  apps.push(running);
  return running;
}

/** A browser whose requests can go to any of `origins` (one app behind a load balancer). */
function browser(origins: () => readonly string[]): Client {
  let turn = 0;
  const target = {
    request: (path: string, init?: RequestInit) => {
      const list = origins();
      const origin = list[turn++ % list.length] ?? '';
      return fetch(origin + path, { ...init, redirect: 'manual' });
    },
  };
  return new Client(target, createCookieStore(testConfig()));
}

const add = (client: Client, symbol: string): Promise<Page> =>
  client.postForm(urlFor('add_stock'), {
    stock_symbol: symbol,
    number_of_shares: '1',
    purchase_price: '1.00',
  });

/** The symbols in the visitor's list, from every page of it (100 positions a page). */
async function symbols(client: Client): Promise<string[]> {
  const found: string[] = [];
  for (let n = 1; ; n += 1) {
    const page = await client.get(`${urlFor('list_stocks')}?page=${n}`);
    if (n > 1 && page.status === 404) return found;
    expect(page.status).toBe(200);
    found.push(...tableRows(page.html).map((cells) => cells[0] ?? ''));
  }
}

/**
 * Fifty adds from each of two tabs, all in flight at once, by a visitor who already has a session
 * (one holding saved first): tabs of one visitor share its session. A visitor with no session yet
 * has nothing to share, so concurrent first posts would each start a session of their own.
 */
async function twoTabs(client: Client): Promise<{ statuses: number[]; expected: string[] }> {
  await client.get(urlFor('add_stock'));
  expect((await add(client, 'FIRST')).status).toBe(302);
  const tabs = Array.from({ length: 100 }, (_, i) => `T${i % 2}N${Math.floor(i / 2)}`);
  const pages = await Promise.all(tabs.map((symbol) => add(client, symbol)));
  return { statuses: pages.map((p) => p.status), expected: ['FIRST', ...tabs] };
}

describe('two tabs of one visitor, 50 adds each at once', () => {
  it('all 100 land in sqlite mode with WORKERS=2', { timeout: 60_000 }, async () => {
    const running = await app({
      SESSION_TYPE: 'sqlite',
      SESSION_SQLITE_PATH: join(dir, 'tabs.sqlite3'),
      WORKERS: '2',
    });
    const client = browser(() => [running.url]);
    const { statuses, expected } = await twoTabs(client);
    expect(statuses.filter((s) => s !== 302)).toEqual([]);
    expect((await symbols(client)).sort()).toEqual([...expected].sort());
  });

  it('all 100 land in redis mode with two app instances on one Redis', { timeout: 60_000 }, async () => {
    const env = { SESSION_TYPE: 'redis', REDIS_URL: redis?.url ?? '' };
    const [one, two] = await Promise.all([app(env), app(env)]);
    const client = browser(() => [one.url, two.url]);
    const { statuses, expected } = await twoTabs(client);
    expect(statuses.filter((s) => s !== 302)).toEqual([]);
    expect((await symbols(client)).sort()).toEqual([...expected].sort());
  });

  it(
    'keeps only the last write in cookie mode: each answer carries the cookie it started from plus one',
    {
      timeout: 60_000,
    },
    async () => {
      const running = await app({ SESSION_TYPE: 'cookie' });
      const client = browser(() => [running.url]);
      const { statuses } = await twoTabs(client);
      expect(statuses.filter((s) => s !== 302)).toEqual([]);
      // Every request started from the same cookie (FIRST alone): whichever answered last is all
      // that is left, FIRST plus one of the hundred.
      expect(await symbols(client)).toHaveLength(2);
    },
  );
});

/**
 * A visitor with no session yet: one page view (which reserves a session id), then 100 first adds
 * from two tabs, all in flight at once, carrying the same cookies (issue 18, #2).
 */
async function firstSaves(client: Client): Promise<{ statuses: number[]; expected: string[] }> {
  await client.get(urlFor('add_stock'));
  const tabs = Array.from({ length: 100 }, (_, i) => `F${i % 2}N${Math.floor(i / 2)}`);
  const pages = await Promise.all(tabs.map((symbol) => add(client, symbol)));
  return { statuses: pages.map((p) => p.status), expected: tabs };
}

describe('a visitor with no session yet, 100 first adds from two tabs at once', () => {
  it('all land in one session in sqlite mode with WORKERS=2', { timeout: 60_000 }, async () => {
    const running = await app({
      SESSION_TYPE: 'sqlite',
      SESSION_SQLITE_PATH: join(dir, 'first.sqlite3'),
      WORKERS: '2',
    });
    const client = browser(() => [running.url]);
    const { statuses, expected } = await firstSaves(client);
    expect(statuses.filter((s) => s !== 302)).toEqual([]);
    expect((await symbols(client)).sort()).toEqual([...expected].sort());
  });

  it('all land in one session in redis mode with two app instances', { timeout: 60_000 }, async () => {
    const env = { SESSION_TYPE: 'redis', REDIS_URL: redis?.url ?? '' };
    const [one, two] = await Promise.all([app(env), app(env)]);
    const client = browser(() => [one.url, two.url]);
    const { statuses, expected } = await firstSaves(client);
    expect(statuses.filter((s) => s !== 302)).toEqual([]);
    expect((await symbols(client)).sort()).toEqual([...expected].sort());
  });
});

describe('start-up', () => {
  it.each(['1', '2'])(
    'stops with a clear message, not a hang, when Redis cannot be reached (WORKERS=%s)',
    async (workers) => {
      const env = { SESSION_TYPE: 'redis', REDIS_URL: 'redis://127.0.0.1:1', WORKERS: workers };
      const error = await startApp({ env }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toContain('exited with code 1');
      expect(message).toContain('Cannot start Stock Portfolio');
      expect(message).toContain('Redis at redis://127.0.0.1:1 did not answer');
      expect(message).toContain('point REDIS_URL at a running server');
    },
  );
});

describe('faults', () => {
  it(
    'answers 503 while Redis is down, never crashes, and recovers by itself',
    { timeout: 90_000 },
    async () => {
      const server = redis;
      if (server === undefined) throw new Error('no redis');
      const running = await app({ SESSION_TYPE: 'redis', REDIS_URL: server.url });
      const client = browser(() => [running.url]);
      await client.get(urlFor('add_stock'));
      expect((await add(client, 'BEFORE')).status).toBe(302);

      await server.stop();
      const down = await Promise.all(Array.from({ length: 10 }, () => client.get(urlFor('list_stocks'))));
      for (const page of down) {
        expect(page.status).toBe(503);
        expect(textOf(page.html)).toContain(STORAGE_UNAVAILABLE_MESSAGE);
      }
      const refused = await add(client, 'DURING');
      expect(refused.status).toBe(503);
      expect(running.alive()).toBe(true);

      await server.restart();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await client.get(urlFor('list_stocks'))).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
      expect(await symbols(client)).toEqual(['BEFORE']);
    },
  );

  const killCases = [
    {
      name: 'sqlite',
      env: () => ({ SESSION_TYPE: 'sqlite', SESSION_SQLITE_PATH: join(dir, 'kill.sqlite3') }),
    },
    { name: 'redis (and Redis itself)', env: () => ({ SESSION_TYPE: 'redis', REDIS_URL: redis?.url ?? '' }) },
  ];
  it.each(killCases)(
    'keeps every holding whose POST got its 302 through kill -9 of the app: $name',
    { timeout: 90_000 },
    async ({ name, env }) => {
      let running = await app(env());
      const client = browser(() => [running.url]);
      await client.get(urlFor('add_stock'));
      // A saved holding first, so the concurrent writers share the visitor's session (see twoTabs).
      expect((await add(client, 'K')).status).toBe(302);
      const acknowledged: string[] = ['K'];
      let n = 0;
      // Four writers at once, until the kill.
      const writers = Array.from({ length: 4 }, async () => {
        for (;;) {
          const symbol = `K${n++}`;
          try {
            const page = await add(client, symbol);
            if (page.status === 302) acknowledged.push(symbol);
          } catch {
            return; // the connection died with the process
          }
        }
      });
      while (acknowledged.length < 40) await new Promise((resolve) => setTimeout(resolve, 5));
      await running.kill();
      if (name.startsWith('redis')) {
        await redis?.stop({ kill: true });
        await redis?.restart(); // replays its AOF
      }
      await Promise.all(writers);
      running = await app(env());
      const saved = new Set(await symbols(client));
      expect(acknowledged.filter((symbol) => !saved.has(symbol))).toEqual([]);
      expect(saved.size).toBeGreaterThanOrEqual(acknowledged.length);
    },
  );
});
