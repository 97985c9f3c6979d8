/**
 * A Redis password never reaches an operator's screen: not in a failed start's message, not in
 * the reconnect lines, the readiness probe's log or a 503's log line. Real redis-server processes
 * (one with `requirepass`, given a wrong password) and a closed port; the real logger, as
 * `main.ts` builds it from the configuration.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StoreUnavailable, type SessionStore } from 'flask-session-ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startRedis, stopAll, type RedisProcess } from '../../test/support/redis-server.js';
import { buildTestApp, Client } from '../../test/support/client.js';
import { loadConfig, type Config } from '../platform/config.js';
import { createLogger, type Logger } from '../platform/logging.js';
import { createSessionStore } from '../session/stores.js';
import { urlFor } from '../web/urls.js';
import { createApp } from './app.js';
import { openStore } from './server.js';

const PASSWORD = 's3cret';
let guarded: RedisProcess;
let dir: string;
const stores: SessionStore[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'store-credentials-'));
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
  await Promise.all(stores.splice(0).map(async (s) => s.close?.()));
  await stopAll([guarded]);
  rmSync(dir, { recursive: true, force: true });
});

/** The configuration and logger `main.ts` would build from `env`, the logger writing into `lines`. */
function setUp(env: Record<string, string>): { config: Config; logger: Logger; lines: string[] } {
  const config = loadConfig(
    { SECRET_KEY: 'k'.repeat(40), SESSION_TYPE: 'redis', ...env },
    join(dir, 'instance'),
  );
  const lines: string[] = [];
  const logger = createLogger({ ...config, debug: true, write: (_, line) => lines.push(line) });
  return { config, logger, lines };
}

/** Every text a failed start could show: the message main.ts prints, the cause and the stacks. */
function startFailureText(error: unknown): string {
  expect(error).toBeInstanceOf(StoreUnavailable);
  const cause = (error as StoreUnavailable).originalError;
  return [error, cause]
    .map((e) => (e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e)))
    .join('\n');
}

describe('a failed start', () => {
  it('names an unreachable Redis with its password masked, once', async () => {
    const port = await freePort();
    const { config, logger, lines } = setUp({ REDIS_URL: `redis://user:${PASSWORD}@127.0.0.1:${port}` });
    const error = await openStore(config, logger).catch((e: unknown) => e);
    const text = startFailureText(error);
    expect(text).not.toContain(PASSWORD);
    const message = (error as Error).message;
    expect(message).toContain(`redis://user:***@127.0.0.1:${port}`);
    // Named once (a failed start used to print the URL twice).
    expect(message.split('redis://')).toHaveLength(2);
    expect(message).toContain('point REDIS_URL at a running server');
    expect(lines.join('')).not.toContain(PASSWORD);
  });

  it('says Redis refused the password without showing it', async () => {
    const url = `redis://default:${PASSWORD}@127.0.0.1:${guarded.port}`;
    const { config, logger, lines } = setUp({ REDIS_URL: url });
    const error = await openStore(config, logger).catch((e: unknown) => e);
    const text = startFailureText(error);
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('***');
    expect(text).toMatch(/WRONGPASS|invalid username-password/);
    expect(lines.join('')).not.toContain(PASSWORD);
  });
});

describe('while Redis refuses the password', () => {
  it.each(['native', 'flask-session'])(
    'the readiness probe and a 503 log it masked (%s layout)',
    async (format) => {
      const url = `redis://default:${PASSWORD}@127.0.0.1:${guarded.port}`;
      const { config, logger, lines } = setUp({ REDIS_URL: url, SESSION_REDIS_FORMAT: format });
      const store = await createSessionStore(config, undefined, logger);
      stores.push(store);
      const app = createApp({ config, logger, store });

      const probe = await app.request('http://127.0.0.1/readyz');
      expect(probe.status).toBe(503);

      // A new visitor's first save is the first time the store needs Redis.
      const client = new Client(app, buildTestApp().store);
      await client.get(urlFor('add_stock'));
      const page = await client.postForm(urlFor('add_stock'), {
        stock_symbol: 'AAPL',
        number_of_shares: '1',
        purchase_price: '1.00',
      });
      expect(page.status).toBe(503);
      expect(page.html).not.toContain(PASSWORD);

      const logged = lines.join('');
      expect(logged).toContain('Readiness check failed');
      expect(logged).toContain('StoreUnavailable on POST /add_stock');
      expect(logged).toContain('***');
      expect(logged).not.toContain(PASSWORD);
    },
  );
});
