import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const GOOD_KEY = 'a-production-secret-key-of-40-characters!';

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
    const config = loadConfig({ NODE_ENV: 'production', SECRET_KEY: GOOD_KEY }, instanceDir);
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

describe('session settings shared with Flask', () => {
  it('names the cookie after SESSION_COOKIE_NAME, "session" by default, as Flask does', () => {
    expect(loadConfig({ SECRET_KEY: 'dev' }, instanceDir).sessionCookieName).toBe('session');
    expect(
      loadConfig({ SECRET_KEY: 'dev', SESSION_COOKIE_NAME: 'flask_sid' }, instanceDir).sessionCookieName,
    ).toBe('flask_sid');
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
    expect(loadConfig({ NODE_ENV: 'production', SECRET_KEY: key }, instanceDir).production).toBe(true);
    const short = "b'" + '\\xff'.repeat(31) + "'";
    expect(configError({ NODE_ENV: 'production', SECRET_KEY: short }).message).toContain('31 bytes');
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
