/**
 * The app with SESSION_TYPE=redis and SESSION_REDIS_FORMAT=flask-session sharing a visitor's
 * session with a real Flask app on Flask-Session 0.8 (`SESSION_TYPE='redis'`, same Redis, same
 * SECRET_KEY, cookie name and lifetime), over real HTTP, in both of Flask-Session's formats: what
 * the visitor adds here Flask reads, and what Flask writes the app shows.
 */
import { createClient, RESP_TYPES } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { startFlaskSessionApp, type FlaskSessionApp } from '../../test/support/flask-session-app.js';
import {
  Client,
  recordingLogger,
  tableRows,
  testConfig,
  TEST_SECRET_KEY,
} from '../../test/support/client.js';
import { createCookieStore } from '../session/stores.js';
import { urlFor } from '../web/urls.js';
import { startServer, type RunningServer } from './server.js';

const COOKIE_NAME = 'portfolio_session';
const LIFETIME_SECONDS = 7 * 86400;

let redis: RedisProcess;
const running: { stop(): Promise<void> }[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop()));
  await stopAll([redis]);
});

/** Flask's view of the visitor's session. */
interface FlaskView {
  readonly portfolio: unknown[] | null;
  readonly theme: string | null;
}

describe.each(['msgpack', 'json'] as const)('with SESSION_SERIALIZATION_FORMAT=%s', (format) => {
  let app: RunningServer;
  let flask: FlaskSessionApp;

  beforeAll(async () => {
    const config = testConfig({
      sessionType: 'redis',
      sessionRedisFormat: 'flask-session',
      redisUrl: redis.url,
      sessionCookieName: COOKIE_NAME,
      sessionLifetimeSeconds: LIFETIME_SECONDS,
      flaskSession: { serializationFormat: format },
    });
    app = await startServer(config, recordingLogger());
    running.push({ stop: () => app.close(0) });
    flask = await startFlaskSessionApp({
      redisUrl: redis.url,
      secretKey: TEST_SECRET_KEY,
      cookieName: COOKIE_NAME,
      lifetimeSeconds: LIFETIME_SECONDS,
      serializationFormat: format,
    });
    running.push(flask);
  });

  /** One browser, sending the same cookies to the app and to the Flask app. */
  function visitor(): Client {
    const target = {
      request: (path: string, init?: RequestInit) => fetch(app.url + path, { ...init, redirect: 'manual' }),
    };
    return new Client(target, createCookieStore(testConfig({ sessionCookieName: COOKIE_NAME })));
  }

  async function flaskReads(client: Client): Promise<FlaskView> {
    const response = await fetch(`${flask.url}/portfolio`, {
      headers: { Cookie: client.cookieHeader ?? '' },
    });
    expect(response.status).toBe(200);
    return (await response.json()) as FlaskView;
  }

  async function add(client: Client, symbol: string, shares: string, price: string): Promise<void> {
    const page = await client.postForm(urlFor('add_stock'), {
      stock_symbol: symbol,
      number_of_shares: shares,
      purchase_price: price,
      purchase_date: '2025-06-02',
    });
    expect(page.status).toBe(302);
  }

  it('Flask reads the holdings a visitor adds here, and this app shows what Flask writes', async () => {
    const client = visitor();
    await client.get(urlFor('add_stock'));
    await add(client, 'AAPL', '15', '302.17');

    expect(await flaskReads(client)).toEqual({
      portfolio: [['AAPL', '15', '302.17', '2025-06-02']],
      theme: null,
    });

    const appended = await fetch(`${flask.url}/append`, {
      method: 'POST',
      headers: { Cookie: client.cookieHeader ?? '', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        symbol: 'MSFT',
        shares: '2',
        price: '410.5',
        date: '2024-03-01',
        theme: 'dark',
      }),
    });
    expect(appended.status).toBe(200);

    const page = await client.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(tableRows(page.html).map((cells) => cells[0])).toEqual(['AAPL', 'MSFT']);
    expect(page.html).toContain('data-theme="dark"');

    // A change here after Flask's keeps Flask's: the app read it and wrote on top of it.
    await add(client, 'NVDA', '1', '120');
    expect(await flaskReads(client)).toEqual({
      portfolio: [
        ['AAPL', '15', '302.17', '2025-06-02'],
        ['MSFT', '2', '410.5', '2024-03-01'],
        ['NVDA', '1', '120', '2025-06-02'],
      ],
      theme: 'dark',
    });
  });

  it(`stores the session as Flask-Session does: session:<the cookie's id>, in ${format}, with the lifetime as TTL`, async () => {
    const client = visitor();
    await client.get(urlFor('add_stock'));
    await add(client, 'IBM', '3', '200');
    const id = client.sessionCookie ?? '';
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = createClient({ url: redis.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
    await raw.connect();
    try {
      const value = await raw.get(`session:${id}`);
      const ttl = await raw.ttl(`session:${id}`);
      expect(value).toBeInstanceOf(Buffer);
      // msgspec's JSON is an object; its MessagePack a map (fixmap 0x80–0x8f, or map16/32).
      const first = (value as Buffer)[0] ?? 0;
      if (format === 'json') expect(String.fromCharCode(first)).toBe('{');
      else
        expect(
          first >= 0x80 && first <= 0x8f ? 'map' : first === 0xde || first === 0xdf ? 'map' : 'other',
        ).toBe('map');
      expect(ttl).toBeGreaterThan(LIFETIME_SECONDS - 60);
      expect(ttl).toBeLessThanOrEqual(LIFETIME_SECONDS);
    } finally {
      await raw.close();
    }
  });
});
