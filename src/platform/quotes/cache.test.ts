/**
 * One behaviour suite for every QuoteCache: in memory, SQLite on a real file, a real Redis. Then
 * what only the shared ones promise: two "workers" (two cache instances on the same file or
 * Redis) see each other's quotes and draw from one budget.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../test/support/quotes-redis.js';
import { MemoryQuoteCache, QuoteCacheUnavailable, type QuoteCache } from './cache.js';
import type { Quote } from './provider.js';
import { RedisQuoteCache } from './redis-cache.js';
import { SqliteQuoteCache } from './sqlite-cache.js';

let dir = '';
let redis: TestRedis;
const opened: QuoteCache[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quote-cache-'));
  redis = await startTestRedis();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((cache) => cache.close()));
});
afterAll(async () => {
  await redis.stop();
  rmSync(dir, { recursive: true, force: true });
});

let namespace = 0;
/** A fresh shared store per call: `open()` gives another "worker" on that same store. */
const kinds: { name: string; fresh: () => () => QuoteCache }[] = [
  {
    name: 'memory',
    fresh: () => {
      const cache = new MemoryQuoteCache();
      return () => cache;
    },
  },
  {
    name: 'sqlite',
    fresh: () => {
      const path = join(dir, `cache-${++namespace}.sqlite3`);
      return () => new SqliteQuoteCache({ path });
    },
  },
  {
    name: 'redis',
    fresh: () => {
      const keyPrefix = `test${++namespace}:quote:`;
      return () => new RedisQuoteCache({ url: redis.url, keyPrefix });
    },
  },
];

function track(cache: QuoteCache): QuoteCache {
  if (!opened.includes(cache)) opened.push(cache);
  return cache;
}

const quote = (symbol: string, price: string, asOf = '2024-05-10'): Quote => ({
  symbol,
  price,
  asOf,
  source: 'alpha-vantage',
});

const MINUTE = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2024, 4, 10, 14, 30);

describe.each(kinds)('$name quote cache', ({ fresh }) => {
  const open = () => track(fresh()());

  it('holds nothing for a symbol never saved', async () => {
    const cache = open();
    expect((await cache.read(['IBM'])).size).toBe(0);
  });

  it('gives back a saved quote with when it was fetched, for the symbols asked', async () => {
    const cache = open();
    await cache.saveQuote(quote('IBM', '167.09'), T0);
    await cache.saveQuote(quote('MSFT', '410.50'), T0);
    const read = await cache.read(['IBM', 'AAPL']);
    expect([...read.keys()]).toEqual(['IBM']);
    expect(read.get('IBM')).toEqual({ last: { quote: quote('IBM', '167.09'), fetchedAtMs: T0 } });
  });

  it('keeps the later of two quotes whatever order they are saved in', async () => {
    const cache = open();
    await cache.saveQuote(quote('IBM', '170.00', '2024-05-11'), T0 + MINUTE);
    await cache.saveQuote(quote('IBM', '167.09'), T0);
    expect((await cache.read(['IBM'])).get('IBM')?.last?.quote.price).toBe('170.00');
    await cache.saveQuote(quote('IBM', '171.00', '2024-05-11'), T0 + 2 * MINUTE);
    expect((await cache.read(['IBM'])).get('IBM')?.last?.quote.price).toBe('171.00');
  });

  it('records a failure beside the last quote without erasing it', async () => {
    const cache = open();
    await cache.saveQuote(quote('IBM', '167.09'), T0);
    await cache.saveFailure('IBM', 'timeout', T0 + MINUTE);
    expect((await cache.read(['IBM'])).get('IBM')).toEqual({
      last: { quote: quote('IBM', '167.09'), fetchedAtMs: T0 },
      failure: { reason: 'timeout', atMs: T0 + MINUTE },
    });
  });

  it('keeps the later of two failures, and a failure for a symbol never quoted', async () => {
    const cache = open();
    await cache.saveFailure('NOPE', 'unknown-symbol', T0 + MINUTE);
    await cache.saveFailure('NOPE', 'error', T0);
    expect((await cache.read(['NOPE'])).get('NOPE')).toEqual({
      failure: { reason: 'unknown-symbol', atMs: T0 + MINUTE },
    });
  });

  it('grants calls up to the per-minute limit, then none until the next minute', async () => {
    const cache = open();
    const budget = { perMinute: 3, perDay: 100 };
    expect(await cache.takeBudget(2, T0, budget)).toBe(2);
    expect(await cache.takeBudget(2, T0 + 1000, budget)).toBe(1);
    expect(await cache.takeBudget(1, T0 + 2000, budget)).toBe(0);
    expect(await cache.takeBudget(5, T0 + MINUTE, budget)).toBe(3);
  });

  it('grants calls up to the per-day limit across minutes, then none until the next UTC day', async () => {
    const cache = open();
    const budget = { perMinute: 5, perDay: 7 };
    expect(await cache.takeBudget(5, T0, budget)).toBe(5);
    expect(await cache.takeBudget(5, T0 + MINUTE, budget)).toBe(2);
    expect(await cache.takeBudget(5, T0 + 2 * MINUTE, budget)).toBe(0);
    const nextDay = Math.floor(T0 / DAY) * DAY + DAY;
    expect(await cache.takeBudget(5, nextDay - 1, budget)).toBe(0);
    expect(await cache.takeBudget(5, nextDay, budget)).toBe(5);
  });

  it('grants nothing while paused, and a shorter pause never ends a longer one', async () => {
    const cache = open();
    const budget = { perMinute: 5, perDay: 25 };
    await cache.pauseBudget(T0 + 10 * MINUTE);
    await cache.pauseBudget(T0 + MINUTE);
    expect(await cache.takeBudget(1, T0, budget)).toBe(0);
    expect(await cache.takeBudget(1, T0 + 5 * MINUTE, budget)).toBe(0);
    expect(await cache.takeBudget(1, T0 + 10 * MINUTE, budget)).toBe(1);
  });
});

describe.each(kinds.filter((k) => k.name !== 'memory'))('$name shared by two workers', ({ fresh }) => {
  it("reads the other worker's quotes and failures", async () => {
    const open = fresh();
    const [a, b] = [track(open()), track(open())];
    await a.saveQuote(quote('IBM', '167.09'), T0);
    await b.saveFailure('IBM', 'rate-limited', T0 + MINUTE);
    expect((await b.read(['IBM'])).get('IBM')?.last?.quote.price).toBe('167.09');
    expect((await a.read(['IBM'])).get('IBM')?.failure?.reason).toBe('rate-limited');
  });

  it('draws from one budget: concurrent takes of both never exceed the day', async () => {
    const open = fresh();
    const [a, b] = [track(open()), track(open())];
    const budget = { perMinute: 100, perDay: 25 };
    const takes = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).takeBudget(1, T0, budget));
    const granted = await Promise.all(takes);
    expect(granted.reduce((sum, n) => sum + n, 0)).toBe(25);
    expect(await a.takeBudget(1, T0 + MINUTE, budget)).toBe(0);
    expect(await b.takeBudget(1, T0 + MINUTE, budget)).toBe(0);
  });

  it("honours the other worker's pause", async () => {
    const open = fresh();
    const [a, b] = [track(open()), track(open())];
    await a.pauseBudget(T0 + MINUTE);
    expect(await b.takeBudget(1, T0, { perMinute: 5, perDay: 25 })).toBe(0);
  });
});

describe.each(['sqlite', 'redis'] as const)('%s budget across worker processes', (kind) => {
  /** Starts a worker process; resolves once it has opened the cache. */
  async function worker(target: string, prefix: string, perDay: number, attempts: number) {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'test/support/quote-budget-worker.ts',
        kind,
        target,
        prefix,
        String(perDay),
        String(attempts),
        String(T0),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    const exited = once(child, 'exit');
    while (!output.includes('ready')) await once(child.stdout, 'data');
    return {
      go: () => child.stdin.end('go\n'),
      granted: async () => {
        const [code] = (await exited) as [number | null];
        expect(code).toBe(0);
        return (JSON.parse(output.slice(output.indexOf('{'))) as { granted: number }).granted;
      },
    };
  }

  it('grants exactly the day budget to two processes taking at the same time', async () => {
    const target = kind === 'redis' ? redis.url : join(dir, `processes-${++namespace}.sqlite3`);
    const prefix = `proc${++namespace}:quote:`;
    const workers = await Promise.all([
      worker(target, prefix, 1500, 1000),
      worker(target, prefix, 1500, 1000),
    ]);
    for (const w of workers) w.go();
    const granted = await Promise.all(workers.map((w) => w.granted()));
    expect(granted.reduce((sum, n) => sum + n, 0)).toBe(1500);
  });
});

describe('shared caches that cannot be reached', () => {
  it('Redis: a command fails with QuoteCacheUnavailable within the timeout', async () => {
    const down = track(new RedisQuoteCache({ url: 'redis://127.0.0.1:1', timeoutMs: 200 }));
    await expect(down.read(['IBM'])).rejects.toBeInstanceOf(QuoteCacheUnavailable);
    await expect(down.takeBudget(1, T0, { perMinute: 5, perDay: 25 })).rejects.toBeInstanceOf(
      QuoteCacheUnavailable,
    );
  });

  it('Redis: close() ends even when Redis accepted the connection and never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const hung = new RedisQuoteCache({ url: `redis://127.0.0.1:${port}`, timeoutMs: 100 });
      await expect(hung.read(['IBM'])).rejects.toBeInstanceOf(QuoteCacheUnavailable);
      await hung.close();
      expect(hung.client.isOpen).toBe(false);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('SQLite: a path that cannot be a file fails with QuoteCacheUnavailable', () => {
    expect(() => new SqliteQuoteCache({ path: join(dir, 'cache-dir.sqlite3', '\0') })).toThrow(
      QuoteCacheUnavailable,
    );
  });
});
