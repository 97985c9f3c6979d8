/**
 * The app's configuration: read from the environment once at start, checked with zod, frozen.
 * A bad value throws {@link ConfigError} with a message that says what to do.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { Secret } from 'flask-session-ts';
import { z } from 'zod';
import { ConfigError, flag, wholeNumber } from './config-env.js';
import { operationsEnvSchema, readOperationsConfig, type OperationsConfig } from './config-operations.js';
import { readQuotesConfig } from './config-quotes.js';
import { readSessionStorageConfig, sessionEnvSchema, type SessionStorageConfig } from './config-session.js';
import type { LiveQuoteSettings } from './quotes/config.js';
import { SecretKeyFormatError, parseSecretKey, parseSecretKeyList, secretKeyBytes } from './secret-key.js';

export { ConfigError };
export {
  COOKIE_SESSION_SETTINGS,
  SESSION_REDIS_FORMATS,
  SESSION_TYPES,
  type FlaskSessionSettings,
  type SessionRedisFormat,
  type SessionStorageConfig,
  type SessionType,
} from './config-session.js';

/**
 * The checked configuration; the running-in-production part is {@link OperationsConfig}, where
 * sessions live is {@link SessionStorageConfig}.
 */
export interface Config extends OperationsConfig, SessionStorageConfig {
  readonly production: boolean;
  readonly debug: boolean;
  /** Bytes (from `b'…'`, `hex:`, `base64:`), or text used as its UTF-8 bytes, as Flask does. */
  readonly secretKey: Secret;
  /** Older keys still accepted and re-signed with `secretKey` (rotation). */
  readonly fallbackSecretKeys: readonly Secret[];
  /** The session cookie's name, Flask's `SESSION_COOKIE_NAME`: the same on every service sharing it. */
  readonly sessionCookieName: string;
  /** Where the key came from, for the start-up log (never the key itself). */
  readonly secretKeySource: string;
  readonly host: string;
  readonly port: number;
  readonly sessionLifetimeSeconds: number;
  /**
   * Worker processes (`node:cluster`); 1 serves from the main process. Default: the machine's
   * available parallelism in production, 1 in development.
   */
  readonly workers: number;
  /**
   * Live quotes (`ALPHAVANTAGE_API_KEY` and the rest, see `config-quotes.ts`); absent: off, and
   * the pages show the visitor's own prices only, exactly as without this feature.
   */
  readonly quotes?: LiveQuoteSettings;
}

/**
 * The session cookie's name when SESSION_COOKIE_NAME is not set. In production `__Host-session`:
 * the prefix makes browsers refuse it from a sibling subdomain or without Secure, Path=/ and no
 * Domain, so nobody can plant a session on a visitor. In development (plain HTTP) Flask's own
 * "session". A Flask service sharing the cookie in production sets one name on both sides:
 * SESSION_COOKIE_NAME=session here, or `SESSION_COOKIE_NAME = "__Host-session"` (with
 * `SESSION_COOKIE_SECURE = True` and no `SESSION_COOKIE_DOMAIN`) in Flask.
 */
export const DEFAULT_SESSION_COOKIE_NAMES = Object.freeze({
  production: '__Host-session',
  development: 'session',
});

const MIN_PRODUCTION_KEY_BYTES = 32;
const KEYGEN = 'Generate one with `npm run secret` and set SECRET_KEY to it.';

const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  DEBUG: flag.default(false),
  SECRET_KEY: z.string().optional(),
  SECRET_KEY_FALLBACKS: z.string().default(''),
  // RFC 9110 token characters, as the session library requires of a cookie name. Default: see
  // DEFAULT_SESSION_COOKIE_NAMES.
  SESSION_COOKIE_NAME: z
    .string()
    .regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/, "must be a cookie name: letters, digits and !#$%&'*+-.^_`|~")
    .optional(),
  HOST: z.string().min(1, 'must not be empty').default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(5000),
  SESSION_LIFETIME_DAYS: wholeNumber(1, 3650).default(31),
  WORKERS: wholeNumber(1, 64).optional(),
});

// The operations variables (ALLOWED_HOSTS, timeouts, overload, logs) live in config-operations.ts.
// The session-storage variables (SESSION_TYPE, REDIS_URL, …) live in config-session.ts.
const fullSchema = envSchema.extend(operationsEnvSchema.shape).extend(sessionEnvSchema.shape);

/** Where a development key is kept between starts: `instance/` (git-ignored), like Flask's instance folder. */
export const DEFAULT_INSTANCE_DIR = join(process.cwd(), 'instance');

/**
 * Reads the configuration.
 * @param env the environment, default `process.env`.
 * @param instanceDir where a generated development key is stored.
 * @throws ConfigError saying which variable is wrong and how to fix it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, instanceDir = DEFAULT_INSTANCE_DIR): Config {
  const parsed = fullSchema.safeParse(emptyToUndefined(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && e.DEBUG) {
    throw new ConfigError(
      'DEBUG must be off when NODE_ENV=production: debug output shows form data. Unset DEBUG.',
    );
  }

  let secretKey: Secret | undefined =
    e.SECRET_KEY === undefined ? undefined : readKey('SECRET_KEY', e.SECRET_KEY);
  let secretKeySource = 'SECRET_KEY';
  if (production) {
    if (secretKey === undefined)
      throw new ConfigError(`SECRET_KEY is required when NODE_ENV=production. ${KEYGEN}`);
    if (secretKey === 'BAD_SECRET_KEY') {
      throw new ConfigError(`SECRET_KEY is the placeholder "BAD_SECRET_KEY". ${KEYGEN}`);
    }
    if (secretKeyBytes(secretKey) < MIN_PRODUCTION_KEY_BYTES) {
      throw new ConfigError(
        `SECRET_KEY is ${secretKeyBytes(secretKey)} bytes; production needs at least ${MIN_PRODUCTION_KEY_BYTES}. ${KEYGEN}`,
      );
    }
  } else if (secretKey === undefined) {
    const path = join(instanceDir, 'secret_key');
    secretKey = developmentKey(path);
    secretKeySource = path;
  }

  let fallbackSecretKeys: Secret[];
  try {
    fallbackSecretKeys = parseSecretKeyList(e.SECRET_KEY_FALLBACKS);
  } catch (error) {
    if (!(error instanceof SecretKeyFormatError)) throw error;
    throw new ConfigError(`SECRET_KEY_FALLBACKS ${error.message}`);
  }

  const operations: OperationsConfig = readOperationsConfig(e, production);
  const storage = readSessionStorageConfig(e, instanceDir);
  const quotes = readQuotesConfig(env, storage, instanceDir);

  return Object.freeze({
    ...operations,
    production,
    debug: e.DEBUG,
    secretKey,
    fallbackSecretKeys: Object.freeze(fallbackSecretKeys),
    sessionCookieName:
      e.SESSION_COOKIE_NAME ?? DEFAULT_SESSION_COOKIE_NAMES[production ? 'production' : 'development'],
    secretKeySource,
    host: e.HOST,
    port: e.PORT,
    sessionLifetimeSeconds: e.SESSION_LIFETIME_DAYS * 24 * 60 * 60,
    workers: e.WORKERS ?? (production ? Math.min(64, availableParallelism()) : 1),
    ...storage,
    ...(quotes === undefined ? {} : { quotes }),
  });
}

/** A key given in `variable`, or a ConfigError saying how to write it. */
function readKey(variable: string, text: string): Secret {
  try {
    return parseSecretKey(text);
  } catch (error) {
    if (!(error instanceof SecretKeyFormatError)) throw error;
    throw new ConfigError(`${variable} cannot be read: ${error.message}`);
  }
}

/** A fresh key for `npm run secret`: 32 random bytes, hex-encoded. */
export function generateSecretKey(): string {
  return randomBytes(32).toString('hex');
}

/**
 * Reads the development key at `path`, creating it (mode 0600) on the first start, so that
 * sessions survive restarts without anyone having to set SECRET_KEY.
 */
function developmentKey(path: string): string {
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing !== '') return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ConfigError(
        `Cannot read the development key at ${path}: ${String(error)}. Fix its permissions or delete it.`,
      );
    }
  }
  const key = generateSecretKey();
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, key + '\n', { mode: 0o600 });
    chmodSync(path, 0o600);
  } catch (error) {
    throw new ConfigError(
      `Cannot write a development key to ${path}: ${String(error)}. Set SECRET_KEY instead.`,
    );
  }
  return key;
}

// An empty variable (`PORT=`) means "not set", as shells commonly leave them.
function emptyToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));
}
