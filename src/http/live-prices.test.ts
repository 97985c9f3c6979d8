/**
 * Live prices through the real app (issue 18, item 3): the local Alpha Vantage server behind the
 * real client, the real caches, and the pages a visitor gets. A dependency outage is a page with a
 * notice, never an error page or a hang; no assertion here is about wall time, only about what
 * the page says and how many calls reached the provider.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAlphaVantageServer, type AlphaVantageServer } from '../../test/support/alpha-vantage-server.js';
import {
  AAPL_LOT,
  Client,
  flashes,
  positionRows,
  recordingLogger,
  testConfig,
  TEST_NOW,
} from '../../test/support/client.js';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { loadConfig, type Config } from '../platform/config.js';
import {
  QuoteCacheUnavailable,
  openLiveQuotes,
  type LiveQuotes,
  type LiveQuoteSettings,
} from '../platform/quotes/index.js';
import { createCookieStore } from '../session/stores.js';
import { urlFor } from '../web/urls.js';
import { createApp } from './app.js';
import { openQuotes, startServer, type RunningServer } from './server.js';

let av: AlphaVantageServer;
let dir = '';
let clock = TEST_NOW;
const opened: LiveQuotes[] = [];
const servers: RunningServer[] = [];

beforeAll(async () => {
  av = await startAlphaVantageServer();
  dir = mkdtempSync(join(tmpdir(), 'live-prices-'));
});
afterAll(async () => {
  await av.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = TEST_NOW;
  av.answer('IBM', { kind: 'quote', price: '167.0900', day: '2024-05-10' });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(0)));
  await Promise.all(opened.splice(0).map((q) => q.close()));
});

let files = 0;

/** Live-quote settings on the local server, with a cache file of their own unless one is given. */
function settings(overrides: Partial<LiveQuoteSettings> = {}): LiveQuoteSettings {
  return {
    apiKey: av.apiKey,
    url: av.url,
    requestsPerMinute: 5,
    requestsPerDay: 25,
    freshMs: 15 * 60_000,
    cache: { kind: 'sqlite', path: join(dir, `quotes-${++files}.sqlite3`) },
    ...overrides,
  };
}

/** An app on the test clock with live quotes as `quotes` says, and a new visitor of it. */
async function appWith(quotes: LiveQuoteSettings) {
  const config = testConfig({ quotes });
  const live = await openLiveQuotes(quotes, { now: () => clock });
  opened.push(live);
  const app = createApp({ config, logger: recordingLogger(), now: () => clock, quotes: live.service });
  return {
    config,
    visitor: () =>
      new Client(
        app,
        createCookieStore(config, () => clock),
      ),
  };
}

const IBM_LOT = { ...AAPL_LOT, stock_symbol: 'IBM' };

/** A visitor holding `lots`, added through the form. */
async function holding(client: Client, lots: readonly Record<string, string>[]): Promise<Client> {
  await client.get(urlFor('add_stock'));
  for (const lot of lots) {
    const added = await client.postForm(urlFor('add_stock'), lot);
    if (added.status !== 302) throw new Error(`adding ${lot['stock_symbol']} answered ${added.status}`);
  }
  return client;
}

/** The Current Price cell of `symbol`'s position row: the price, its source and its date. */
function shownPrice(html: string, symbol: string): string | undefined {
  return positionRows(html).find((row) => row[0]?.startsWith(symbol))?.[4];
}

/** The page's info messages: where the live-price notice goes. */
function notices(html: string): string[] {
  return flashes(html)
    .filter(([category]) => category === 'info')
    .map(([, text]) => text);
}

function quoteCalls(symbol: string): number {
  return av.requests.filter((r) => r.function === 'GLOBAL_QUOTE' && r.symbol === symbol).length;
}

/** Types a price, with the token of the add form (no page view, so no quote is asked for). */
async function setPrice(client: Client, symbol: string, price: string): Promise<void> {
  const saved = await client.postForm(urlFor('set_price'), { symbol, current_price: price });
  if (saved.status !== 302) throw new Error(`setting the price of ${symbol} answered ${saved.status}`);
}

describe('live prices on the portfolio page', () => {
  it('shows a fresh quote, with no notice, and never writes it into the visitor session', async () => {
    const client = await holding((await appWith(settings())).visitor(), [IBM_LOT]);
    const before = quoteCalls('IBM');
    const { _flashes, ...saved } = client.decodeSession();
    expect(_flashes).toBeDefined();
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(shownPrice(page.html, 'IBM')).toBe('$167.09 Alpha Vantage, as of 2024-05-10');
    expect(notices(page.html)).toEqual([]);
    expect(quoteCalls('IBM')).toBe(before + 1);
    expect(av.requests.at(-1)).toMatchObject({ function: 'GLOBAL_QUOTE', symbol: 'IBM', apikey: av.apiKey });
    // The page consumed the "Added" flash; nothing else changed, and no price was stored.
    expect(client.decodeSession()).toEqual(saved);
    // The note under the table says where prices come from now.
    expect(page.html).toContain('Current prices are quotes from Alpha Vantage or the ones you enter');
    expect(page.html).not.toContain('There is no quote service');
  });

  it('answers a rate limit ("Information", then "Note") with a notice and the last known quote', async () => {
    const client = await holding((await appWith(settings())).visitor(), [IBM_LOT]);
    expect(shownPrice((await client.get(urlFor('list_stocks'))).html, 'IBM')).toBe(
      '$167.09 Alpha Vantage, as of 2024-05-10',
    );
    for (const kind of ['information', 'note'] as const) {
      // Past the quote's 15 fresh minutes (and the hour a rate limit pauses the budget), so it is asked again.
      clock += 61 * 60_000;
      av.answer('IBM', { kind });
      const before = quoteCalls('IBM');
      const page = await client.get(urlFor('list_stocks'));
      expect(quoteCalls('IBM')).toBe(before + 1);
      expect(page.status).toBe(200);
      expect(shownPrice(page.html, 'IBM')).toBe('$167.09 Alpha Vantage, as of 2024-05-10');
      expect(notices(page.html)).toEqual([
        'Live prices could not be fetched for IBM (rate limit reached); showing IBM as of 2024-05-10 (last quote).',
      ]);
    }
  });

  it('after a rate limit asks nothing more for a while, and says so on every page', async () => {
    const client = await holding((await appWith(settings())).visitor(), [
      IBM_LOT,
      { ...IBM_LOT, stock_symbol: 'MSFT' },
    ]);
    av.answer('MSFT', { kind: 'information' });
    const first = await client.get(urlFor('list_stocks'));
    expect(notices(first.html)).toEqual([
      'Live prices could not be fetched for MSFT (rate limit reached). MSFT has no price.',
    ]);
    clock += 16 * 60_000;
    const before = av.requests.length;
    const again = await client.get(urlFor('list_stocks'));
    // The provider's limit paused the shared budget: no call, the last known quote, the same reason.
    expect(av.requests.length).toBe(before);
    expect(shownPrice(again.html, 'IBM')).toBe('$167.09 Alpha Vantage, as of 2024-05-10');
    expect(notices(again.html)).toEqual([
      'Live prices could not be fetched for IBM, MSFT (rate limit reached); showing IBM as of 2024-05-10 (last quote). MSFT has no price.',
    ]);
  });

  it('answers promptly with the manual price and its date while the provider hangs', async () => {
    av.answer('HANG', { kind: 'hang' });
    const client = await holding((await appWith(settings())).visitor(), [
      { ...IBM_LOT, stock_symbol: 'HANG' },
    ]);
    await setPrice(client, 'HANG', '12.50');
    const page = await client.get(urlFor('list_stocks'));
    // The page came back while the provider still held the request.
    expect(av.held).toBe(1);
    expect(page.status).toBe(200);
    expect(shownPrice(page.html, 'HANG')).toBe('$12.50 entered by you, as of 2026-03-04');
    expect(notices(page.html)).toEqual([
      'Live prices could not be fetched for HANG (no answer in time); showing HANG as of 2026-03-04 (your price).',
    ]);
  });

  it('shows the manual price and a notice when the provider cannot be reached at all', async () => {
    const down = settings({ url: 'http://127.0.0.1:9/query' });
    const client = await holding((await appWith(down)).visitor(), [IBM_LOT]);
    await setPrice(client, 'IBM', '150.00');
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(shownPrice(page.html, 'IBM')).toBe('$150.00 entered by you, as of 2026-03-04');
    expect(notices(page.html)).toEqual([
      'Live prices could not be fetched for IBM (the quote service failed); showing IBM as of 2026-03-04 (your price).',
    ]);
  });

  it('shows the manual price of a symbol the provider does not know, and says so', async () => {
    const client = await holding((await appWith(settings())).visitor(), [
      { ...IBM_LOT, stock_symbol: 'ZZZZ' },
    ]);
    await setPrice(client, 'ZZZZ', '3.25');
    const page = await client.get(urlFor('list_stocks'));
    expect(shownPrice(page.html, 'ZZZZ')).toBe('$3.25 entered by you, as of 2026-03-04');
    expect(notices(page.html)).toEqual([
      'Live prices could not be fetched for ZZZZ (unknown to the quote service); showing ZZZZ as of 2026-03-04 (your price).',
    ]);
  });

  it('keeps manual prices possible: a price typed today wins over an older quote', async () => {
    const client = await holding((await appWith(settings())).visitor(), [IBM_LOT]);
    await setPrice(client, 'IBM', '170.00');
    const page = await client.get(urlFor('list_stocks'));
    expect(shownPrice(page.html, 'IBM')).toBe('$170.00 entered by you, as of 2026-03-04');
    expect(notices(page.html)).toEqual([]);
  });
});

describe('live prices off', () => {
  it('without ALPHAVANTAGE_API_KEY: no request, no notice, the manual price', async () => {
    const config: Config = {
      ...loadConfig({ SECRET_KEY: testConfig().secretKey as string, PORT: '0' }, join(dir, 'instance')),
      ...testConfig(),
    };
    expect(config.quotes).toBeUndefined();
    const server = await startServer(config, recordingLogger());
    servers.push(server);
    const client = new Client(httpTarget(server.url), createCookieStore(config));
    await holding(client, [IBM_LOT]);
    await setPrice(client, 'IBM', '150.00');
    const before = av.requests.length;
    const page = await client.get(urlFor('list_stocks'));
    expect(shownPrice(page.html, 'IBM')).toMatch(/^\$150\.00 entered by you, as of \d{4}-\d{2}-\d{2}$/);
    expect(notices(page.html)).toEqual([]);
    expect(av.requests.length).toBe(before);
  });
});

describe('start-up', () => {
  it('stops with the variable to change when the quote cache file cannot be opened', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, '');
    const config = testConfig({
      quotes: settings({ cache: { kind: 'sqlite', path: join(blocked, 'q.sqlite3') } }),
    });
    let thrown: unknown;
    try {
      await (await openQuotes(config, recordingLogger()))?.close();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QuoteCacheUnavailable);
    expect((thrown as Error).message).toContain('Set QUOTES_SQLITE_PATH to a file in a writable folder');
  });
});

/** A target for {@link Client} that sends its requests to a real server. */
function httpTarget(base: string) {
  return {
    request: (path: string, init?: RequestInit) => fetch(base + path, { ...init, redirect: 'manual' }),
  };
}

let redis: RedisProcess | undefined;

describe.each([
  { mode: 'cookie', storage: (): Partial<Config> => ({}) },
  {
    mode: 'sqlite',
    storage: (): Partial<Config> => ({
      sessionType: 'sqlite',
      sessionSqlitePath: join(dir, `sessions-${++files}.sqlite3`),
    }),
  },
  {
    mode: 'redis',
    storage: (): Partial<Config> => ({ sessionType: 'redis', redisUrl: redis?.url ?? '' }),
  },
])('two workers in $mode mode', ({ mode, storage }) => {
  beforeAll(async () => {
    if (mode === 'redis') redis = await startRedis();
  });
  afterAll(async () => {
    if (redis !== undefined) await stopAll([redis]);
    redis = undefined;
  });

  it('share one cached quote: the second worker shows it without a second provider call', async () => {
    const sessions = storage();
    const base = testConfig(sessions);
    // Where the configuration puts the cache for this SESSION_TYPE, as loadConfig would.
    const cache: LiveQuoteSettings['cache'] =
      base.sessionType === 'sqlite'
        ? { kind: 'sqlite', path: base.sessionSqlitePath }
        : base.sessionType === 'redis'
          ? { kind: 'redis', url: base.redisUrl }
          : { kind: 'sqlite', path: join(dir, `quotes-${++files}.sqlite3`) };
    const symbol = `W${mode.toUpperCase().slice(0, 3)}`;
    av.answer(symbol, { kind: 'quote', price: '42.1000', day: '2024-05-10' });
    const config = testConfig({ ...sessions, quotes: settings({ cache }) });
    const first = await startServer(config, recordingLogger());
    const second = await startServer(config, recordingLogger());
    servers.push(first, second);

    const client = await holding(new Client(httpTarget(first.url), createCookieStore(config)), [
      { ...IBM_LOT, stock_symbol: symbol },
    ]);
    const one = await client.get(urlFor('list_stocks'));
    expect(shownPrice(one.html, symbol)).toBe('$42.10 Alpha Vantage, as of 2024-05-10');
    expect(quoteCalls(symbol)).toBe(1);

    const other = new Client(httpTarget(second.url), createCookieStore(config));
    const two = await other.get(urlFor('list_stocks'), { cookie: client.cookieHeader ?? '' });
    expect(two.status).toBe(200);
    expect(shownPrice(two.html, symbol)).toBe('$42.10 Alpha Vantage, as of 2024-05-10');
    expect(notices(two.html)).toEqual([]);
    expect(quoteCalls(symbol)).toBe(1);
  });
});
