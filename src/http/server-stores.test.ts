/**
 * The app on each server-side store (SQLite on a real file, a real Redis), through app.request:
 * capacity far past the cookie's, a refusal at the cap that keeps what was saved, the hint that
 * follows the store, and visitors moving over from cookie sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { createSessionStore } from '../session/stores.js';
import { createApp } from './app.js';
import type { Config } from '../platform/config.js';
import type { AppSessionData } from '../session/data.js';
import { encodePortfolio, type Holding } from '../domain/portfolio.js';
import { decodeLedger } from '../domain/ledger.js';
import { urlFor } from '../web/urls.js';
import { bytesPerHolding, portfolioFullMessage } from '../features/stocks/routes.js';
import {
  buildTestApp,
  Client,
  flashes,
  recordingLogger,
  startSession,
  testConfig,
  textOf,
} from '../../test/support/client.js';
import { SessionTooLarge, type SessionStore } from 'flask-session-ts';
import { RedisSessionStore } from 'flask-session-ts/redis';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';

let dir = '';
let redis: RedisProcess | undefined;
const opened: SessionStore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'app-server-stores-'));
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
  if (redis) await stopAll([redis]);
  rmSync(dir, { recursive: true, force: true });
});

const modes: { name: string; config: () => Partial<Config>; small: (config: Config) => SessionStore }[] = [
  {
    name: 'sqlite',
    config: () => ({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'app.sqlite3') }),
    small: (c) => new SqliteSessionStore({ path: c.sessionSqlitePath, secretKey: c.secretKey, ...SMALL }),
  },
  {
    name: 'redis',
    config: () => ({ sessionType: 'redis', redisUrl: redis?.url ?? '' }),
    small: (c) => new RedisSessionStore({ url: c.redisUrl, secretKey: c.secretKey, ...SMALL }),
  },
];

/** A store with a small cap, so that filling it is quick; the cap logic is the same at 1 MiB. */
const SMALL = { permanent: true, maxSessionBytes: 20_000 } as const;

function holding(i: number): Holding {
  return { symbol: `S${i}`, shares: String(1 + (i % 97)), price: `${1 + (i % 500)}.25` };
}

describe.each(modes)('$name mode', ({ name, config: modeConfig, small }) => {
  async function setUp(options: { small?: boolean } = {}) {
    const config = testConfig(modeConfig());
    const logger = recordingLogger();
    const make = async () => (options.small === true ? small(config) : await createSessionStore(config));
    const store = await make();
    const appStore = await make();
    opened.push(store, appStore);
    const app = createApp({ config, logger, store: appStore });
    const cookieStore = buildTestApp().store;
    const client = new Client(app, cookieStore);
    /** Writes `holdings` into the visitor's stored session directly, as a long history of adds would. */
    const seed = async (holdings: readonly Holding[]) => {
      const { session } = await store.open<AppSessionData>(client.cookieHeader);
      await store.update(session, (s) => s.set('portfolio', encodePortfolio(holdings)));
    };
    const start = () => startSession(client);
    const saved = async () => {
      const { session } = await store.open<AppSessionData>(client.cookieHeader);
      // Lots as the app stores them now: with ids (decodeLedger reads old entries too).
      return decodeLedger({ portfolio: session.get('portfolio') }).lots;
    };
    return { store, client, seed, saved, start };
  }

  const add = (client: Client, symbol: string) =>
    client.postForm(urlFor('add_stock'), {
      stock_symbol: symbol,
      number_of_shares: '3',
      purchase_price: '2.50',
    });

  it('holds 10,000 holdings for one visitor', async () => {
    const { client, seed, saved, start } = await setUp();
    await start();
    await seed(Array.from({ length: 9_999 }, (_, i) => holding(i)));
    expect((await add(client, 'LAST')).status).toBe(302);
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toMatch(
      /10000 holdings\. About \d+ more fit in your saved portfolio, which this server keeps up to 1 MiB\./,
    );
    const holdings = await saved();
    expect(holdings).toHaveLength(10_000);
    expect(holdings.at(-1)?.symbol).toBe('LAST');
  });

  it('refuses an add past the cap with a message, and keeps every holding saved before', async () => {
    const { store, client, seed, saved, start } = await setUp({ small: true });
    await start();
    const fits = (n: number) =>
      seed(Array.from({ length: n }, (_, i) => holding(i))).then(
        () => true,
        (error: unknown) => {
          if (error instanceof SessionTooLarge) return false;
          throw error;
        },
      );
    // Fill until not one more typical holding fits, as the store itself decides.
    let count = Math.floor(store.maxSessionBytes / bytesPerHolding(store)) - 100;
    expect(await fits(count)).toBe(true);
    while (await fits(count + 10)) count += 10;
    while (await fits(count + 1)) count += 1;
    const before = await saved();
    const page = await client.postForm(urlFor('add_stock'), {
      stock_symbol: 'ONEMOREXYZ',
      number_of_shares: '999999',
      purchase_price: '99999.99',
    });
    expect(page.status).toBe(422);
    expect(textOf(page.html)).toContain(portfolioFullMessage(before.length, 'server', store.maxSessionBytes));
    expect(textOf(page.html)).toContain('the most the server keeps for one portfolio (19.5 KB)');
    expect(await saved()).toEqual(before);
  });

  it('imports a visitor arriving with a cookie session, and answers with an id cookie', async () => {
    const { client, saved } = await setUp();
    client.setSession({ portfolio: encodePortfolio([holding(1), holding(2)]) });
    const flaskCookie = client.sessionCookie;
    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('2 holdings.');
    expect(client.sessionCookie).not.toBe(flaskCookie);
    expect(client.sessionCookie).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$/);
    expect((await saved()).map((h) => h.symbol)).toEqual(['S1', 'S2']);
  });

  describe('says where the portfolio lives: on this server, not in a cookie', () => {
    const store = name === 'sqlite' ? 'SQLite' : 'Redis';
    const cookieWording =
      /in (this|your) browser(&#39;|'|’)s (signed session )?cookie|session cookie in your browser|in a browser cookie|old data stays in this browser/;

    it('in the footer and on the About page', async () => {
      const { client } = await setUp();
      for (const path of [urlFor('index'), urlFor('about')]) {
        const page = await client.get(path);
        expect(page.html).not.toMatch(cookieWording);
        expect(textOf(page.html)).toContain(`on this server (${store})`);
      }
      expect(textOf((await client.get(urlFor('about'))).html)).toContain(
        'Your browser keeps only a signed cookie with a random id',
      );
    });

    it('in the notice about a session cookie it could not read', async () => {
      const { client } = await setUp();
      client.setSessionCookie('not-an-id-we-signed.xxxx');
      const page = await client.get(urlFor('list_stocks'));
      const notice = flashes(page.html).find(([category]) => category === 'error')?.[1] ?? '';
      expect(notice).toContain('could not be read');
      expect(notice).not.toMatch(cookieWording);
      expect(notice).toContain(`on this server (${store})`);
      // And a theme switch does not replace it with a new session (no new id cookie).
      const theme = await client.postForm(urlFor('set_theme'), { theme: 'dark', next: '/' });
      expect(theme.status).toBe(409);
      expect(theme.setCookies.filter((h) => h.startsWith('session='))).toEqual([]);
      expect(client.sessionCookie).toBe('not-an-id-we-signed.xxxx');
    });

    it('in the import’s "portfolio full" message, with the cap it hit', async () => {
      const { client, start } = await setUp({ small: true });
      await start();
      const rows = Array.from({ length: 2_000 }, (_, i) => `S${i},3,2.50,2025-01-02`).join('\r\n');
      const form = new FormData();
      form.append('file', new File([`symbol,shares,purchase_price,purchase_date\r\n${rows}\r\n`], 'p.csv'));
      form.append('mode', 'append');
      await client.get(urlFor('import_stocks'));
      const page = await client.postMultipart(urlFor('import_stocks'), form);
      expect(page.status).toBe(422);
      const text = textOf(page.html);
      expect(text).toContain('Your portfolio is full: 2000 holdings do not fit');
      expect(text).toContain('the 19.5 KB this server keeps for one portfolio');
      expect(page.html).not.toMatch(cookieWording);
    });
  });
});
