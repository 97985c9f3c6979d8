/**
 * QuoteService with the real Alpha Vantage client against the local server, on real caches: what a
 * page gets for each situation, that it never waits past its deadline (asserted by order: the call
 * resolves while the server still holds the request), coalescing, the budget, and two workers.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startAlphaVantageServer,
  type AlphaVantageServer,
} from '../../../test/support/alpha-vantage-server.js';
import { AlphaVantageProvider } from './alpha-vantage.js';
import { MemoryQuoteCache, QuoteCacheUnavailable, type QuoteBudget, type QuoteCache } from './cache.js';
import type { Quote, QuoteProvider } from './provider.js';
import { createQuoteService } from './open.js';
import { QuoteService, type QuoteServiceOptions } from './quote-service.js';
import { RedisQuoteCache } from './redis-cache.js';
import { SqliteQuoteCache } from './sqlite-cache.js';

const MINUTE = 60_000;
const FRESH = 15 * MINUTE;
const T0 = Date.UTC(2024, 4, 10, 14, 30);

let server: AlphaVantageServer;
let dir = '';
let clock = T0;
const services: QuoteService[] = [];
const caches: QuoteCache[] = [];
const errors: unknown[] = [];

beforeAll(async () => {
  server = await startAlphaVantageServer();
  dir = mkdtempSync(join(tmpdir(), 'quote-service-'));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = T0;
  errors.length = 0;
});
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
  await Promise.all(caches.splice(0).map((c) => c.close()));
});

function service(
  options: Partial<QuoteServiceOptions> & {
    cache?: QuoteCache;
    timeoutMs?: number;
    budget?: QuoteBudget;
  } = {},
): { service: QuoteService; cache: QuoteCache } {
  const cache = options.cache ?? new MemoryQuoteCache();
  caches.push(cache);
  const created = new QuoteService({
    provider: new AlphaVantageProvider({
      apiKey: server.apiKey,
      url: server.url,
      timeoutMs: options.timeoutMs ?? 2000,
    }),
    freshMs: FRESH,
    now: () => clock,
    onError: (error) => errors.push(error),
    ...options,
    cache,
  });
  services.push(created);
  return { service: created, cache };
}

const quote = (symbol: string, price: string, asOf: string): Quote => ({
  symbol,
  price,
  asOf,
  source: 'alpha-vantage',
});
const asked = (symbol: string) => server.requests.filter((r) => r.symbol === symbol).length;

describe('QuoteService.quotesFor', () => {
  it('fetches a quote once, then serves it from the cache until it is no longer fresh', async () => {
    server.answer('AAA', { kind: 'quote', price: '10.5000', day: '2024-05-10' });
    const { service: quotes } = service();
    expect((await quotes.quotesFor(['aaa'])).get('AAA')).toEqual({
      status: 'fresh',
      quote: quote('AAA', '10.50', '2024-05-10'),
      fetchedAtMs: T0,
    });
    clock = T0 + FRESH - 1;
    expect((await quotes.quotesFor(['AAA'])).get('AAA')?.status).toBe('fresh');
    expect(asked('AAA')).toBe(1);
    server.answer('AAA', { kind: 'quote', price: '11.0000', day: '2024-05-11' });
    clock = T0 + FRESH;
    expect((await quotes.quotesFor(['AAA'])).get('AAA')).toMatchObject({
      status: 'fresh',
      quote: { price: '11.00' },
    });
    expect(asked('AAA')).toBe(2);
  });

  it('shows the last known quote with its date, marked stale with the reason, when the provider fails', async () => {
    server.answer('BBB', { kind: 'quote', price: '20.0000', day: '2024-05-10' });
    const { service: quotes } = service();
    await quotes.quotesFor(['BBB']);
    server.answer('BBB', { kind: 'status', status: 503 });
    clock = T0 + FRESH;
    const result = (await quotes.quotesFor(['BBB'])).get('BBB');
    expect(result).toEqual({
      status: 'stale',
      quote: quote('BBB', '20.00', '2024-05-10'),
      fetchedAtMs: T0,
      reason: 'error',
    });
  });

  it('remembers a failure for the freshness time, so a failing symbol costs one call, not one per page', async () => {
    server.answer('NOPE', { kind: 'empty' });
    const { service: quotes } = service();
    expect((await quotes.quotesFor(['NOPE'])).get('NOPE')).toEqual({
      status: 'missing',
      reason: 'unknown-symbol',
    });
    clock = T0 + FRESH - 1;
    expect((await quotes.quotesFor(['NOPE'])).get('NOPE')).toEqual({
      status: 'missing',
      reason: 'unknown-symbol',
    });
    expect(asked('NOPE')).toBe(1);
    clock = T0 + FRESH;
    await quotes.quotesFor(['NOPE']);
    expect(asked('NOPE')).toBe(2);
  });

  it('asks nothing for an input that cannot be a ticker', async () => {
    const { service: quotes } = service();
    const before = server.requests.length;
    expect((await quotes.quotesFor(['<script>'])).get('<script>')).toEqual({
      status: 'missing',
      reason: 'unknown-symbol',
    });
    expect(server.requests.length).toBe(before);
  });

  it('pauses the shared budget when the provider answers with its rate limit, and says so', async () => {
    server.answer('LIM1', { kind: 'information' });
    server.answer('LIM2', { kind: 'quote', price: '1.0000', day: '2024-05-10' });
    const { service: quotes, cache } = service({ rateLimitPauseMs: 60 * MINUTE });
    expect((await quotes.quotesFor(['LIM1'])).get('LIM1')).toEqual({
      status: 'missing',
      reason: 'rate-limited',
    });
    await quotes.settled();
    expect((await quotes.quotesFor(['LIM2'])).get('LIM2')).toEqual({ status: 'missing', reason: 'budget' });
    expect(asked('LIM2')).toBe(0);
    expect(await cache.takeBudget(1, T0 + 59 * MINUTE, { perMinute: 5, perDay: 25 })).toBe(0);
    clock = T0 + 60 * MINUTE;
    expect((await quotes.quotesFor(['LIM2'])).get('LIM2')?.status).toBe('fresh');
  });

  it('serves symbols beyond the budget from the cache as "budget", never-quoted symbols first', async () => {
    for (const s of ['OLD', 'NEW1', 'NEW2'])
      server.answer(s, { kind: 'quote', price: '5.0000', day: '2024-05-10' });
    const cache = new MemoryQuoteCache();
    await cache.saveQuote(quote('OLD', '4.00', '2024-05-09'), T0 - FRESH);
    const { service: quotes } = service({ cache, budget: { perMinute: 2, perDay: 25 } });
    const results = await quotes.quotesFor(['OLD', 'NEW1', 'NEW2']);
    expect(results.get('NEW1')?.status).toBe('fresh');
    expect(results.get('NEW2')?.status).toBe('fresh');
    expect(results.get('OLD')).toEqual({
      status: 'stale',
      quote: quote('OLD', '4.00', '2024-05-09'),
      fetchedAtMs: T0 - FRESH,
      reason: 'budget',
    });
    expect(asked('OLD')).toBe(0);
    expect([...results.keys()]).toEqual(['OLD', 'NEW1', 'NEW2']);
  });

  it('answers "error" and logs when a provider throws something other than QuoteUnavailable', async () => {
    const bug = new TypeError('a bug in a provider');
    const broken: QuoteProvider = {
      source: 'alpha-vantage',
      getQuote: () => {
        throw bug;
      },
    };
    const { service: quotes } = service({ provider: broken });
    expect((await quotes.quotesFor(['BUG'])).get('BUG')).toEqual({ status: 'missing', reason: 'error' });
    expect(errors).toContain(bug);
  });

  it('coalesces concurrent pages asking for the same symbol into one request', async () => {
    server.answer('SAME', { kind: 'hang' });
    const { service: quotes } = service();
    const first = quotes.quotesFor(['SAME']);
    await server.waitForHeld(1);
    const second = quotes.quotesFor(['SAME']);
    server.release({ kind: 'quote', price: '7.0000', day: '2024-05-10' });
    const [a, b] = await Promise.all([first, second]);
    expect(a.get('SAME')?.status).toBe('fresh');
    expect(b.get('SAME')?.status).toBe('fresh');
    expect(asked('SAME')).toBe(1);
  });
});

describe('QuoteService never makes a page wait past its deadline', () => {
  it('answers "timeout" while the server still holds the request; the request then times out and is aborted', async () => {
    server.answer('HANG', { kind: 'hang' });
    const { service: quotes, cache } = service({ timeoutMs: 300 });
    await cache.saveQuote(quote('HANG', '3.00', '2024-05-09'), T0 - FRESH);
    const abortedBefore = server.aborted;
    const results = await quotes.quotesFor(['HANG'], { deadlineMs: 50 });
    // Order, not time: the page has its answer and the request is still open on the server.
    expect(server.held).toBe(1);
    expect(server.aborted).toBe(abortedBefore);
    expect(results.get('HANG')).toEqual({
      status: 'stale',
      quote: quote('HANG', '3.00', '2024-05-09'),
      fetchedAtMs: T0 - FRESH,
      reason: 'timeout',
    });
    await server.waitForAborted(abortedBefore + 1);
    await quotes.settled();
    expect((await cache.read(['HANG'])).get('HANG')?.failure?.reason).toBe('timeout');
  });

  it('fills the cache with an answer that arrives after the page was answered', async () => {
    server.answer('LATE', { kind: 'hang' });
    const { service: quotes } = service();
    expect((await quotes.quotesFor(['LATE'], { deadlineMs: 50 })).get('LATE')).toEqual({
      status: 'missing',
      reason: 'timeout',
    });
    expect(server.held).toBe(1);
    server.release({ kind: 'quote', price: '8.0000', day: '2024-05-10' });
    await quotes.settled();
    expect((await quotes.quotesFor(['LATE'])).get('LATE')?.status).toBe('fresh');
    expect(asked('LATE')).toBe(1);
  });

  it('stops waiting at once when the caller aborts, and close() aborts the request', async () => {
    server.answer('GONE', { kind: 'hang' });
    const { service: quotes } = service();
    const controller = new AbortController();
    const call = quotes.quotesFor(['GONE'], { signal: controller.signal, deadlineMs: 60_000 });
    await server.waitForHeld(1);
    const abortedBefore = server.aborted;
    controller.abort();
    expect((await call).get('GONE')).toEqual({ status: 'missing', reason: 'timeout' });
    expect(server.held).toBe(1);
    await quotes.close();
    await server.waitForAborted(abortedBefore + 1);
  });

  it('still fetches the calls granted after the deadline, and fills the cache with them', async () => {
    server.answer('GRANT', { kind: 'hang' });
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    /** A real in-memory cache whose budget answers only when the test opens the gate: a slow shared store. */
    class SlowBudget extends MemoryQuoteCache {
      override async takeBudget(wanted: number, nowMs: number, budget: QuoteBudget): Promise<number> {
        await gate;
        return super.takeBudget(wanted, nowMs, budget);
      }
    }
    const { service: quotes } = service({ cache: new SlowBudget() });
    expect((await quotes.quotesFor(['GRANT'], { deadlineMs: 50 })).get('GRANT')).toEqual({
      status: 'missing',
      reason: 'timeout',
    });
    expect(asked('GRANT')).toBe(0);
    open();
    await server.waitForHeld(1);
    server.release({ kind: 'quote', price: '6.0000', day: '2024-05-10' });
    await quotes.settled();
    expect((await quotes.quotesFor(['GRANT'])).get('GRANT')?.status).toBe('fresh');
    expect(asked('GRANT')).toBe(1);
  });

  it('treats a negative or non-finite deadline as "now" instead of throwing', async () => {
    server.answer('NEG', { kind: 'hang' });
    const { service: quotes } = service();
    for (const deadlineMs of [-5, Number.NaN]) {
      expect((await quotes.quotesFor(['NEG'], { deadlineMs })).get('NEG')).toEqual({
        status: 'missing',
        reason: 'timeout',
      });
    }
  });

  it('answers "timeout" when the shared cache does not answer in time, asking the provider nothing', async () => {
    // A TCP server that accepts and never answers: Redis hung.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const cache = new RedisQuoteCache({ url: `redis://127.0.0.1:${port}`, timeoutMs: 5000 });
      const { service: quotes } = service({ cache });
      const before = server.requests.length;
      expect((await quotes.quotesFor(['IBM'], { deadlineMs: 50 })).get('IBM')).toEqual({
        status: 'missing',
        reason: 'timeout',
      });
      expect(server.requests.length).toBe(before);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('answers "cache-unavailable" when the shared cache is down, and logs why', async () => {
    const cache = new RedisQuoteCache({ url: 'redis://127.0.0.1:1', timeoutMs: 200 });
    const { service: quotes } = service({ cache });
    const before = server.requests.length;
    expect((await quotes.quotesFor(['IBM'])).get('IBM')).toEqual({
      status: 'missing',
      reason: 'cache-unavailable',
    });
    expect(server.requests.length).toBe(before);
    expect(errors.some((e) => e instanceof QuoteCacheUnavailable)).toBe(true);
  });
});

describe('two workers on one SQLite file', () => {
  it('share quotes and one budget', async () => {
    for (const s of ['W1', 'W2', 'W3', 'W4'])
      server.answer(s, { kind: 'quote', price: '9.0000', day: '2024-05-10' });
    const path = join(dir, 'workers.sqlite3');
    const budget = { perMinute: 5, perDay: 3 };
    const a = service({ cache: new SqliteQuoteCache({ path }), budget }).service;
    const b = service({ cache: new SqliteQuoteCache({ path }), budget }).service;
    const [fromA, fromB] = await Promise.all([a.quotesFor(['W1', 'W2']), b.quotesFor(['W3', 'W4'])]);
    const statuses = [...fromA.values(), ...fromB.values()].map((r) => r.status);
    expect(statuses.filter((s) => s === 'fresh')).toHaveLength(3);
    expect(['W1', 'W2', 'W3', 'W4'].reduce((n, s) => n + asked(s), 0)).toBe(3);
    const fetchedByA = [...fromA].filter(([, r]) => r.status === 'fresh').map(([s]) => s);
    const again = await b.quotesFor(fetchedByA);
    expect([...again.values()].every((r) => r.status === 'fresh')).toBe(true);
    expect(['W1', 'W2', 'W3', 'W4'].reduce((n, s) => n + asked(s), 0)).toBe(3);
  });
});

describe('createQuoteService', () => {
  it('builds the service from the checked configuration', async () => {
    server.answer('CFG', { kind: 'quote', price: '12.3400', day: '2024-05-10' });
    const cache = new MemoryQuoteCache();
    caches.push(cache);
    const quotes = createQuoteService(
      { apiKey: server.apiKey, url: server.url, requestsPerMinute: 5, requestsPerDay: 25, freshMs: FRESH },
      cache,
    );
    services.push(quotes);
    expect((await quotes.quotesFor(['CFG'])).get('CFG')).toMatchObject({
      status: 'fresh',
      quote: { price: '12.34' },
    });
  });
});
