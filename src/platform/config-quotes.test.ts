import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { describeQuotes } from './config-quotes.js';

const KEY = 'TESTKEY0123456789';

let instanceDir: string;

beforeEach(() => {
  instanceDir = join(mkdtempSync(join(tmpdir(), 'stock-portfolio-quotes-config-')), 'instance');
});

afterEach(() => {
  rmSync(join(instanceDir, '..'), { recursive: true, force: true });
});

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig({ SECRET_KEY: 'dev', ...env }, instanceDir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('live quotes in the configuration', () => {
  it('are off without ALPHAVANTAGE_API_KEY, and an empty key counts as unset', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).quotes).toBeUndefined();
    expect(loadConfig({ SECRET_KEY: 'dev', ALPHAVANTAGE_API_KEY: '' }, instanceDir).quotes).toBeUndefined();
    expect(describeQuotes(undefined)).toContain('off');
  });

  it('are on with a key: the free tier budget, the public endpoint, 15 minutes fresh', () => {
    const { quotes } = loadConfig({ SECRET_KEY: 'dev', ALPHAVANTAGE_API_KEY: KEY }, instanceDir);
    expect(quotes).toMatchObject({
      apiKey: KEY,
      url: 'https://www.alphavantage.co/query',
      requestsPerMinute: 5,
      requestsPerDay: 25,
      freshMs: 15 * 60_000,
    });
    expect(describeQuotes(quotes)).not.toContain(KEY);
  });

  it('keep their cache in instance/quotes.sqlite3 in cookie mode, or in QUOTES_SQLITE_PATH', () => {
    const env = { SECRET_KEY: 'dev', ALPHAVANTAGE_API_KEY: KEY };
    expect(loadConfig(env, instanceDir).quotes?.cache).toEqual({
      kind: 'sqlite',
      path: join(instanceDir, 'quotes.sqlite3'),
    });
    const path = join(instanceDir, '..', 'q.sqlite3');
    expect(loadConfig({ ...env, QUOTES_SQLITE_PATH: path }, instanceDir).quotes?.cache).toEqual({
      kind: 'sqlite',
      path,
    });
  });

  it("keep their cache beside the sessions: the sessions' SQLite file, Redis or Redis Cluster", () => {
    const env = { SECRET_KEY: 'dev', ALPHAVANTAGE_API_KEY: KEY };
    const sessions = join(instanceDir, '..', 's.sqlite3');
    expect(
      loadConfig({ ...env, SESSION_TYPE: 'sqlite', SESSION_SQLITE_PATH: sessions }, instanceDir).quotes
        ?.cache,
    ).toEqual({ kind: 'sqlite', path: sessions });
    expect(
      loadConfig({ ...env, SESSION_TYPE: 'redis', REDIS_URL: 'redis://10.0.0.9:6380' }, instanceDir).quotes
        ?.cache,
    ).toEqual({ kind: 'redis', url: 'redis://10.0.0.9:6380' });
    const cluster = loadConfig(
      { ...env, SESSION_TYPE: 'redis', REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2:7000' },
      instanceDir,
    );
    expect(cluster.quotes?.cache).toEqual({
      kind: 'redis-cluster',
      nodes: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7000'],
    });
    expect(describeQuotes(cluster.quotes)).toContain('Redis Cluster');
  });

  it('stop start-up on a bad value with a message saying how to fix it, never showing the key', () => {
    const badKey = configError({ ALPHAVANTAGE_API_KEY: 'not a key!' });
    expect(badKey.message).toContain('ALPHAVANTAGE_API_KEY must be letters and digits only');
    expect(badKey.message).not.toContain('not a key!');
    expect(configError({ ALPHAVANTAGE_API_KEY: KEY, ALPHAVANTAGE_REQUESTS_PER_DAY: '0' }).message).toContain(
      'ALPHAVANTAGE_REQUESTS_PER_DAY must be a whole number from 1',
    );
    expect(configError({ ALPHAVANTAGE_API_KEY: KEY, ALPHAVANTAGE_URL: 'ftp://x' }).message).toContain(
      'ALPHAVANTAGE_URL must be an http:// or https:// URL',
    );
  });

  it('refuse settings that would do nothing: a quote setting without a key, QUOTES_SQLITE_PATH outside cookie mode', () => {
    expect(configError({ ALPHAVANTAGE_URL: 'http://127.0.0.1:1/query' }).message).toContain(
      'set ALPHAVANTAGE_API_KEY to turn live quotes on',
    );
    expect(configError({ QUOTES_SQLITE_PATH: '/tmp/q.sqlite3' }).message).toContain(
      'QUOTES_SQLITE_PATH is set but ALPHAVANTAGE_API_KEY is not',
    );
    expect(
      configError({ ALPHAVANTAGE_API_KEY: KEY, SESSION_TYPE: 'sqlite', QUOTES_SQLITE_PATH: '/tmp/q.sqlite3' })
        .message,
    ).toContain('QUOTES_SQLITE_PATH applies only with SESSION_TYPE=cookie');
  });
});
