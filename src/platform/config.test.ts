import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../session/stores.js';
import { ConfigError, loadConfig } from './config.js';
import { LOOPBACK_HOSTS } from './hosts.js';

const GOOD_KEY = 'a-production-secret-key-of-40-characters!';

/** What production needs at least. */
const PRODUCTION = { NODE_ENV: 'production', SECRET_KEY: GOOD_KEY, ALLOWED_HOSTS: 'portfolio.example.com' };

let instanceDir: string;

beforeEach(() => {
  // A parent that exists, and an instance folder inside it that does not yet.
  instanceDir = join(mkdtempSync(join(tmpdir(), 'stock-portfolio-config-')), 'instance');
});

afterEach(() => {
  rmSync(join(instanceDir, '..'), { recursive: true, force: true });
});

/** The ConfigError `loadConfig(env)` throws; fails the test if it returns or throws anything else. */
function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env, instanceDir);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig defaults', () => {
  it('listens on 127.0.0.1:5000 with 31-day sessions and one worker', () => {
    const config = loadConfig({ SECRET_KEY: 'dev' }, instanceDir);
    expect(config).toMatchObject({
      production: false,
      debug: false,
      host: '127.0.0.1',
      port: 5000,
      sessionLifetimeSeconds: 31 * 24 * 60 * 60,
      workers: 1,
      fallbackSecretKeys: [],
    });
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({ SECRET_KEY: 'dev', PORT: '', HOST: '', DEBUG: '' }, instanceDir);
    expect(config).toMatchObject({ host: '127.0.0.1', port: 5000, debug: false });
  });

  it('returns a frozen object', () => {
    const config = loadConfig({ SECRET_KEY: 'dev' }, instanceDir);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.fallbackSecretKeys)).toBe(true);
  });

  it('reads HOST, PORT, SESSION_LIFETIME_DAYS and WORKERS', () => {
    const config = loadConfig(
      { SECRET_KEY: 'dev', HOST: '0.0.0.0', PORT: '8080', SESSION_LIFETIME_DAYS: '7', WORKERS: '4' },
      instanceDir,
    );
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8080,
      sessionLifetimeSeconds: 7 * 86400,
      workers: 4,
    });
  });
});

describe('secret keys', () => {
  it('uses SECRET_KEY as it is', () => {
    const config = loadConfig({ SECRET_KEY: '  spaced key  ' }, instanceDir);
    expect(config.secretKey).toBe('  spaced key  ');
    expect(config.secretKeySource).toBe('SECRET_KEY');
  });

  it('splits SECRET_KEY_FALLBACKS on commas, trimmed, skipping empty entries', () => {
    const config = loadConfig({ SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: ' old-1 ,old-2,, ' }, instanceDir);
    expect(config.fallbackSecretKeys).toEqual(['old-1', 'old-2']);
  });

  it('generates a 64-hex-digit development key in instance/secret_key, readable only by its owner', () => {
    const config = loadConfig({}, instanceDir);
    const path = join(instanceDir, 'secret_key');
    expect(config.secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(config.secretKeySource).toBe(path);
    expect(readFileSync(path, 'utf8').trim()).toBe(config.secretKey);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reuses the development key on the next start', () => {
    const first = loadConfig({}, instanceDir);
    const second = loadConfig({ NODE_ENV: 'development' }, instanceDir);
    expect(second.secretKey).toBe(first.secretKey);
  });

  it('accepts a production key of at least 32 characters', () => {
    const config = loadConfig(PRODUCTION, instanceDir);
    expect(config.production).toBe(true);
    expect(config.secretKey).toBe(GOOD_KEY);
  });

  it.each([
    ['a missing key', {}],
    ['an empty key', { SECRET_KEY: '' }],
    ['a key of 31 characters', { SECRET_KEY: 'x'.repeat(31) }],
    ['the placeholder BAD_SECRET_KEY', { SECRET_KEY: 'BAD_SECRET_KEY' }],
  ])('refuses %s in production, saying to run npm run secret', (_case, env) => {
    const error = configError({ NODE_ENV: 'production', ...env });
    expect(error.message).toContain('SECRET_KEY');
    expect(error.message).toContain('npm run secret');
  });

  it('writes no development key in production', () => {
    configError({ NODE_ENV: 'production' });
    expect(() => statSync(join(instanceDir, 'secret_key'))).toThrow();
  });
});

describe('invalid settings', () => {
  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['SESSION_LIFETIME_DAYS', '0'],
    ['SESSION_LIFETIME_DAYS', '-1'],
    ['SESSION_LIFETIME_DAYS', 'x'],
    ['WORKERS', '0'],
    ['DEBUG', 'maybe'],
    ['SESSION_COOKIE_NAME', 'my session'],
    ['SESSION_COOKIE_NAME', 'a;b'],
  ])('refuses %s=%j with a ConfigError naming the variable', (name, value) => {
    const error = configError({ SECRET_KEY: 'dev', [name]: value });
    expect(error.message).toContain(name);
  });

  it('refuses DEBUG on in production with a ConfigError naming DEBUG', () => {
    const error = configError({ NODE_ENV: 'production', SECRET_KEY: GOOD_KEY, DEBUG: '1' });
    expect(error.message).toContain('DEBUG');
  });

  it.each(['1', 'true', 'yes', 'on'])('turns debug on for DEBUG=%s in development', (value) => {
    expect(loadConfig({ SECRET_KEY: 'dev', DEBUG: value }, instanceDir).debug).toBe(true);
  });
});

describe('session storage', () => {
  it('keeps sessions in the cookie by default, with SQLite under instance/ and Redis on localhost ready', () => {
    const config = loadConfig({ SECRET_KEY: 'dev' }, instanceDir);
    expect(config).toMatchObject({
      sessionType: 'cookie',
      sessionSqlitePath: join(instanceDir, 'sessions.sqlite3'),
      redisUrl: 'redis://127.0.0.1:6379',
      redisClusterNodes: [],
      sessionAbsoluteLifetimeSeconds: undefined,
    });
  });

  it('reads SESSION_TYPE, SESSION_SQLITE_PATH, REDIS_URL, REDIS_CLUSTER_NODES and SESSION_ABSOLUTE_LIFETIME_DAYS', () => {
    const config = loadConfig(
      {
        SECRET_KEY: 'dev',
        SESSION_TYPE: 'redis',
        SESSION_SQLITE_PATH: '/var/lib/app/s.db',
        REDIS_URL: 'rediss://cache.internal:6380/2',
        REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001',
        SESSION_ABSOLUTE_LIFETIME_DAYS: '90',
      },
      instanceDir,
    );
    expect(config).toMatchObject({
      sessionType: 'redis',
      sessionSqlitePath: '/var/lib/app/s.db',
      redisUrl: 'rediss://cache.internal:6380/2',
      redisClusterNodes: ['redis://10.0.0.1:7000', 'redis://10.0.0.2:7001'],
      sessionAbsoluteLifetimeSeconds: 90 * 86400,
    });
  });

  it.each([
    ['SESSION_TYPE', 'memcached', 'cookie, sqlite, redis'],
    ['REDIS_URL', 'http://127.0.0.1:6379', 'redis://'],
    ['REDIS_URL', '127.0.0.1:6379', 'redis://'],
    ['REDIS_CLUSTER_NODES', '10.0.0.1', 'host:port'],
    ['REDIS_CLUSTER_NODES', 'a:1,,b', 'host:port'],
    ['SESSION_ABSOLUTE_LIFETIME_DAYS', '0', 'whole number'],
  ])('refuses %s=%j, saying what is expected', (name, value, hint) => {
    const error = configError({ SECRET_KEY: 'dev', [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toContain(hint);
  });
});

describe('SESSION_REDIS_FORMAT (sessions shared with Flask-Session)', () => {
  const SHARED = { SECRET_KEY: 'dev', SESSION_TYPE: 'redis', SESSION_REDIS_FORMAT: 'flask-session' };

  it("keeps the app's own Redis layout by default, with no Flask-Session settings", () => {
    const config = loadConfig({ SECRET_KEY: 'dev', SESSION_TYPE: 'redis' }, instanceDir);
    expect(config.sessionRedisFormat).toBe('native');
    expect(config.flaskSession).toEqual({});
  });

  it("takes Flask-Session's layout, leaving its settings to Flask-Session's defaults", () => {
    const config = loadConfig(SHARED, instanceDir);
    expect(config.sessionRedisFormat).toBe('flask-session');
    expect(config.flaskSession).toEqual({});
  });

  it("reads Flask-Session's settings under Flask's names", () => {
    const config = loadConfig(
      {
        ...SHARED,
        SESSION_KEY_PREFIX: 'portfolio:',
        SESSION_SERIALIZATION_FORMAT: 'json',
        SESSION_USE_SIGNER: 'true',
        SESSION_ID_LENGTH: '24',
      },
      instanceDir,
    );
    expect(config.flaskSession).toEqual({
      keyPrefix: 'portfolio:',
      serializationFormat: 'json',
      useSigner: true,
      idLengthBytes: 24,
    });
    expect(loadConfig({ ...SHARED, SESSION_USE_SIGNER: 'false' }, instanceDir).flaskSession).toEqual({
      useSigner: false,
    });
  });

  it.each([
    ['SESSION_REDIS_FORMAT', 'flask', 'native, flask-session'],
    ['SESSION_SERIALIZATION_FORMAT', 'pickle', 'msgpack or json'],
    ['SESSION_USE_SIGNER', 'maybe', 'true/false'],
    ['SESSION_ID_LENGTH', '8', 'from 16 to 1024'],
    ['SESSION_ID_LENGTH', 'long', 'from 16 to 1024'],
    ['SESSION_KEY_PREFIX', 'my prefix', 'same prefix as the Flask app'],
  ])('refuses %s=%j, saying what is expected', (name, value, hint) => {
    const error = configError({ ...SHARED, [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toContain(hint);
  });

  it.each([
    [{ SESSION_TYPE: 'cookie' }, 'Set SESSION_TYPE=redis'],
    [{ SESSION_TYPE: 'sqlite' }, 'Set SESSION_TYPE=redis'],
    [{ REDIS_CLUSTER_NODES: '10.0.0.1:7000' }, 'Unset REDIS_CLUSTER_NODES'],
    [{ SESSION_ABSOLUTE_LIFETIME_DAYS: '90' }, 'Unset SESSION_ABSOLUTE_LIFETIME_DAYS'],
  ])('refuses flask-session with %j, saying what to change', (extra, fix) => {
    expect(configError({ ...SHARED, ...extra }).message).toContain(fix);
  });

  it.each([
    ['SESSION_KEY_PREFIX', 'x:'],
    ['SESSION_SERIALIZATION_FORMAT', 'json'],
    ['SESSION_USE_SIGNER', 'true'],
    ['SESSION_ID_LENGTH', '32'],
  ])("refuses %s without Flask-Session's layout, rather than ignoring it", (name, value) => {
    const error = configError({ SECRET_KEY: 'dev', SESSION_TYPE: 'redis', [name]: value });
    expect(error.message).toContain(name);
    expect(error.message).toContain('SESSION_REDIS_FORMAT=flask-session');
  });
});

describe('credentials in Redis URLs', () => {
  it('lists the password of REDIS_URL, as written and decoded, for the logger to mask', () => {
    const config = loadConfig(
      { SECRET_KEY: 'dev', REDIS_URL: 'redis://user:s3cret%21@cache:6379' },
      instanceDir,
    );
    expect(config.credentials).toEqual(['s3cret%21', 's3cret!']);
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).credentials).toEqual([]);
  });

  it('never repeats the password of a REDIS_URL it refuses', () => {
    const error = configError({ SECRET_KEY: 'dev', REDIS_URL: 'redis://user:s3cret@cache 6379' });
    expect(error.message).toContain('REDIS_URL');
    expect(error.message).not.toContain('s3cret');
  });
});

// The operations settings (config-operations.ts), read by the same loadConfig.
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

describe('session settings shared with Flask', () => {
  it('names the cookie after SESSION_COOKIE_NAME, "session" by default, as Flask does', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).sessionCookieName).toBe('session');
    expect(
      loadConfig({ SECRET_KEY: 'dev', SESSION_COOKIE_NAME: 'flask_sid' }, instanceDir).sessionCookieName,
    ).toBe('flask_sid');
  });

  it('names the cookie __Host-session in production, where nothing needs the Flask name, unless SESSION_COOKIE_NAME says otherwise', () => {
    expect(loadConfig(PRODUCTION, instanceDir).sessionCookieName).toBe('__Host-session');
    // A Flask service sharing the cookie sets the name both read (Flask's default is "session").
    expect(loadConfig({ ...PRODUCTION, SESSION_COOKIE_NAME: 'session' }, instanceDir).sessionCookieName).toBe(
      'session',
    );
  });

  it('sends the production session cookie with the __Host- prefix, Secure, Path=/ and no Domain', async () => {
    const config = loadConfig(PRODUCTION, instanceDir);
    const store = await createSessionStore(config);
    const { session } = await store.open(undefined);
    await store.update(session, (s) => s.set('theme', 'dark'));
    const action = await store.commit(session);
    expect(action.kind).toBe('set');
    const header = action.kind === 'set' ? action.header : '';
    expect(header).toMatch(/^__Host-session=[^;]+;/);
    expect(header).toContain('; Path=/');
    expect(header).toContain('; Secure');
    expect(header).not.toMatch(/Domain=/i);
  });

  it('reads SECRET_KEY written as Python prints it, hex: or base64:, as bytes', () => {
    const bytes = (env: NodeJS.ProcessEnv) =>
      Buffer.from(loadConfig(env, instanceDir).secretKey).toString('hex');
    expect(bytes({ SECRET_KEY: "b'\\x8f\\x1cA\\n'" })).toBe('8f1c410a');
    expect(bytes({ SECRET_KEY: 'hex:8f1c410a' })).toBe('8f1c410a');
    expect(bytes({ SECRET_KEY: 'base64:jxxBCg==' })).toBe('8f1c410a');
  });

  it('counts a production key in bytes: 32 random bytes as Python prints them are enough', () => {
    const key = "b'" + '\\xff'.repeat(32) + "'";
    expect(loadConfig({ ...PRODUCTION, SECRET_KEY: key }, instanceDir).production).toBe(true);
    const short = "b'" + '\\xff'.repeat(31) + "'";
    expect(configError({ ...PRODUCTION, SECRET_KEY: short }).message).toContain('31 bytes');
  });

  it('stops the start on a malformed SECRET_KEY, saying which forms work', () => {
    const error = configError({ SECRET_KEY: "b'\\x8" });
    expect(error.message).toContain('SECRET_KEY');
    expect(error.message).toContain('secrets.token_bytes(32)');
  });

  it('reads SECRET_KEY_FALLBACKS as a JSON array too, and names a malformed entry', () => {
    const config = loadConfig(
      { SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: '["hex:00ff", "old, text"]' },
      instanceDir,
    );
    expect(config.fallbackSecretKeys).toEqual([new Uint8Array([0, 255]), 'old, text']);
    const error = configError({ SECRET_KEY: 'new', SECRET_KEY_FALLBACKS: 'ok, hex:0' });
    expect(error.message).toContain('SECRET_KEY_FALLBACKS key 2');
  });
});
