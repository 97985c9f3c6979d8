import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { LOOPBACK_HOSTS } from './security/hosts.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  SECRET_KEY: 'a-production-secret-key-of-40-characters!',
  ALLOWED_HOSTS: 'portfolio.example.com',
};

let instanceDir: string;
beforeEach(() => {
  instanceDir = join(mkdtempSync(join(tmpdir(), 'stock-portfolio-ops-config-')), 'instance');
});
afterEach(() => {
  rmSync(join(instanceDir, '..'), { recursive: true, force: true });
});

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, instanceDir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('operations defaults', () => {
  it('uses the documented timeouts, backlog, overload thresholds and text logs', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir)).toMatchObject({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      listenBacklog: 4096,
      overloadMaxLagMs: 300,
      overloadMaxInFlight: 1024,
      overloadMaxQueueWaitMs: 1000,
      overloadCloseConnection: true,
      logFormat: 'text',
      trustProxyRequestId: false,
    });
  });

  it('answers to the loopback names in development without ALLOWED_HOSTS', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).allowedHosts).toBe(LOOPBACK_HOSTS);
  });

  it('runs one worker in development and one per available CPU in production', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).workers).toBe(1);
    expect(loadConfig(PRODUCTION, instanceDir).workers).toBe(Math.min(64, availableParallelism()));
    expect(loadConfig({ ...PRODUCTION, WORKERS: '3' }, instanceDir).workers).toBe(3);
  });

  it('reads every operations variable', () => {
    const config = loadConfig(
      {
        SECRET_KEY: 'dev',
        ALLOWED_HOSTS: 'a.example,.b.example',
        LOG_FORMAT: 'json',
        TRUST_PROXY_REQUEST_ID: '1',
        HEADERS_TIMEOUT_SECONDS: '2.5',
        REQUEST_TIMEOUT_SECONDS: '20',
        KEEP_ALIVE_TIMEOUT_SECONDS: '65',
        LISTEN_BACKLOG: '511',
        OVERLOAD_MAX_LAG_MS: '0',
        OVERLOAD_MAX_IN_FLIGHT: '64',
        OVERLOAD_MAX_QUEUE_WAIT_MS: '500',
        OVERLOAD_CLOSE_CONNECTION: 'off',
      },
      instanceDir,
    );
    expect(config).toMatchObject({
      logFormat: 'json',
      trustProxyRequestId: true,
      headersTimeoutMs: 2500,
      requestTimeoutMs: 20_000,
      keepAliveTimeoutMs: 65_000,
      listenBacklog: 511,
      overloadMaxLagMs: 0,
      overloadMaxInFlight: 64,
      overloadMaxQueueWaitMs: 500,
      overloadCloseConnection: false,
    });
    expect(config.allowedHosts.entries).toEqual(['a.example', '.b.example']);
  });
});

describe('ALLOWED_HOSTS', () => {
  it('is required in production, with a message that says how to set it', () => {
    const error = configError({ ...PRODUCTION, ALLOWED_HOSTS: undefined });
    expect(error.message).toContain('ALLOWED_HOSTS is required when NODE_ENV=production');
    expect(error.message).toContain('ALLOWED_HOSTS=portfolio.example.com');
  });

  it('refuses * in production, and allows it in development', () => {
    expect(configError({ ...PRODUCTION, ALLOWED_HOSTS: '*' }).message).toContain('DNS-rebinding');
    expect(loadConfig({ SECRET_KEY: 'dev', ALLOWED_HOSTS: '*' }, instanceDir).allowedHosts.any).toBe(true);
  });

  it.each(['https://portfolio.example.com', 'portfolio.example.com:443', ' , '])(
    'refuses %j, naming ALLOWED_HOSTS',
    (value) => {
      expect(configError({ ...PRODUCTION, ALLOWED_HOSTS: value }).message).toContain('ALLOWED_HOSTS');
    },
  );
});

describe('invalid operations settings', () => {
  it.each([
    ['LOG_FORMAT', 'xml'],
    ['TRUST_PROXY_REQUEST_ID', 'maybe'],
    ['REQUEST_TIMEOUT_SECONDS', '0'],
    ['REQUEST_TIMEOUT_SECONDS', 'soon'],
    ['KEEP_ALIVE_TIMEOUT_SECONDS', '601'],
    ['LISTEN_BACKLOG', '0'],
    ['OVERLOAD_MAX_LAG_MS', '-1'],
    ['OVERLOAD_MAX_IN_FLIGHT', '1.5'],
    ['OVERLOAD_MAX_QUEUE_WAIT_MS', 'x'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    expect(configError({ SECRET_KEY: 'dev', [name]: value }).message).toContain(name);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    const error = configError({
      SECRET_KEY: 'dev',
      HEADERS_TIMEOUT_SECONDS: '40',
      REQUEST_TIMEOUT_SECONDS: '30',
    });
    expect(error.message).toContain('HEADERS_TIMEOUT_SECONDS');
  });
});
