/**
 * Clearing a portfolio kept by a server-side store (SQLite on a real file, a real Redis): the
 * session moves to a new id and the old record is deleted, so a copy of the cookie taken before
 * the clear opens an empty session, never the cleared one's successor, and brings nothing back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailable, UnknownSession, type SessionStore } from 'flask-session-ts';
import { SqliteSessionStore } from 'flask-session-ts/sqlite';
import { startRedis, stopAll, type RedisProcess } from '../../../test/support/redis-server.js';
import {
  buildTestApp,
  Client,
  flashes,
  recordingLogger,
  startSession,
  tableRows,
  testConfig,
  textOf,
} from '../../../test/support/client.js';
import { createApp } from '../../http/app.js';
import { createSessionStore } from '../../session/stores.js';
import { REPLACED_MESSAGE, unreadableMessage } from '../../session/unreadable.js';
import type { AppSessionData } from '../../session/data.js';
import type { Config } from '../../platform/config.js';
import { urlFor } from '../../web/urls.js';

let dir = '';
let redis: RedisProcess | undefined;
const opened: SessionStore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'app-server-clear-'));
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(opened.splice(0).map(async (s) => s.close?.()));
  if (redis) await stopAll([redis]);
  rmSync(dir, { recursive: true, force: true });
});

const modes: { name: string; config: () => Partial<Config> }[] = [
  {
    name: 'sqlite',
    config: () => ({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'clear.sqlite3') }),
  },
  { name: 'redis', config: () => ({ sessionType: 'redis', redisUrl: redis?.url ?? '' }) },
  {
    // Flask-Session 0.8's layout in Redis (a Flask app on the same Redis shares the session).
    name: 'redis (Flask-Session layout)',
    config: () => ({ sessionType: 'redis', sessionRedisFormat: 'flask-session', redisUrl: redis?.url ?? '' }),
  },
];

const add = (client: Client, symbol: string) =>
  client.postForm(urlFor('add_stock'), {
    stock_symbol: symbol,
    number_of_shares: '3',
    purchase_price: '2.50',
  });

async function clear(client: Client) {
  await client.get(urlFor('clear_stocks'));
  return client.postForm(urlFor('clear_stocks'), { confirm: 'yes' });
}

async function setUp(modeConfig: () => Partial<Config>, appStore?: (config: Config) => SessionStore) {
  const config = testConfig(modeConfig());
  const store = await createSessionStore(config);
  const served = appStore?.(config) ?? (await createSessionStore(config));
  opened.push(store, served);
  const app = createApp({ config, logger: recordingLogger(), store: served });
  const client = () => new Client(app, buildTestApp().store);
  /** The stored session a cookie value opens, read directly from the store. */
  const open = (cookie: string | undefined) =>
    store.open<AppSessionData>(cookie === undefined ? undefined : `${config.sessionCookieName}=${cookie}`);
  return { client, open };
}

async function visitorWithTwo(client: Client): Promise<string> {
  await startSession(client);
  for (const symbol of ['AAPL', 'MSFT']) expect((await add(client, symbol)).status).toBe(302);
  const cookie = client.sessionCookie;
  if (cookie === undefined) throw new Error('No session cookie after two adds');
  return cookie;
}

describe.each(modes)('clearing in $name mode', ({ config: modeConfig }) => {
  it('moves the cleared portfolio to a new id and deletes the old record', async () => {
    const { client, open } = await setUp(modeConfig);
    const visitor = client();
    const before = await visitorWithTwo(visitor);
    const nextId = (await open(before)).session.get('next_id');
    expect(nextId).toBeGreaterThan(2);

    const post = await clear(visitor);
    expect(post.status).toBe(302);
    expect(visitor.sessionCookie).toBeDefined();
    expect(visitor.sessionCookie).not.toBe(before);

    const old = await open(before);
    expect(old.error).toBeInstanceOf(UnknownSession);
    expect(old.session.isEmpty).toBe(true);
    const now = await open(visitor.sessionCookie);
    expect(now.error).toBeUndefined();
    expect(now.session.get('portfolio')).toBeUndefined();
    // Ids are never reused: a lot on a page still open before the clear stays unknown.
    expect(now.session.get('next_id')).toBe(nextId);

    const list = await visitor.get(urlFor('list_stocks'));
    expect(tableRows(list.html)).toEqual([]);
    expect(flashes(list.html)).toEqual([['info', 'Your portfolio is now empty.']]);
  });

  it('gives a copy of the old cookie an empty session that cannot bring anything back', async () => {
    const { client, open } = await setUp(modeConfig);
    const visitor = client();
    const before = await visitorWithTwo(visitor);
    await clear(visitor);
    expect((await add(visitor, 'GOOG')).status).toBe(302);

    const copy = client();
    copy.setSessionCookie(before);
    const page = await copy.get(urlFor('list_stocks'));
    expect(page.status).toBe(200);
    expect(tableRows(page.html)).toEqual([]);
    expect(textOf(page.html)).not.toMatch(/AAPL|MSFT|GOOG/);
    expect(flashes(page.html)).toContainEqual(['error', unreadableMessage(new UnknownSession(''), 31)]);
    expect(textOf(page.html)).toContain('This server no longer holds the portfolio this browser');
    // The old cookie is an unreadable one like any other: a save is refused, the undo finds nothing.
    expect((await add(copy, 'TSLA')).status).toBe(409);
    expect((await copy.postForm(urlFor('undo_remove'))).status).toBe(409);
    expect(copy.sessionCookie).toBe(before);
    expect((await open(before)).error).toBeInstanceOf(UnknownSession);

    // Starting anew from the copy gives it a session of its own, not the visitor's.
    expect((await clear(copy)).status).toBe(302);
    expect(copy.sessionCookie).not.toBe(before);
    expect(copy.sessionCookie).not.toBe(visitor.sessionCookie);
    const started = await copy.get(urlFor('list_stocks'));
    expect(tableRows(started.html)).toEqual([]);
    expect(flashes(started.html)).toEqual([['info', REPLACED_MESSAGE]]);

    const mine = await visitor.get(urlFor('list_stocks'));
    expect(tableRows(mine.html).map((row) => row[0])).toEqual(['GOOG']);
  });
});

describe('clearing when the store cannot issue a new id', () => {
  it('answers 503 when the new id cannot be issued, with the clear saved and said', async () => {
    class NoNewIds extends SqliteSessionStore {
      override regenerate(): Promise<void> {
        return Promise.reject(new StoreUnavailable('regenerate refused by the test'));
      }
    }
    const { client, open } = await setUp(
      () => ({ sessionType: 'sqlite', sessionSqlitePath: join(dir, 'no-new-ids.sqlite3') }),
      (config) =>
        new NoNewIds({ path: config.sessionSqlitePath, secretKey: config.secretKey, permanent: true }),
    );
    const visitor = client();
    const before = await visitorWithTwo(visitor);
    const post = await clear(visitor);
    expect(post.status).toBe(503);
    // The old id still holds the (cleared) portfolio: nothing was lost, the next page says what happened.
    expect(visitor.sessionCookie).toBe(before);
    expect((await open(before)).session.get('portfolio')).toBeUndefined();
    const list = await visitor.get(urlFor('list_stocks'));
    expect(tableRows(list.html)).toEqual([]);
    expect(flashes(list.html)).toEqual([['info', 'Your portfolio is now empty.']]);
  });
});
