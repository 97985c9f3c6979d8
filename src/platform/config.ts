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
import { urlPasswords } from './redis-url.js';
import { SecretKeyFormatError, parseSecretKey, parseSecretKeyList, secretKeyBytes } from './secret-key.js';

export { ConfigError };

/** The checked configuration; the running-in-production part is {@link OperationsConfig}. */
export interface Config extends OperationsConfig {
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
  /** Where sessions live: the signed cookie, an SQLite file, or Redis (Flask-Session's `SESSION_TYPE`). */
  readonly sessionType: SessionType;
  /** The SQLite file, for `sqlite`. */
  readonly sessionSqlitePath: string;
  /** The Redis server, for `redis` without cluster nodes. */
  readonly redisUrl: string;
  /** Nodes of a Redis Cluster as `redis://host:port` URLs; when set, `redisUrl` is not used. */
  readonly redisClusterNodes: readonly string[];
  /** A server-side session's lifetime from creation, however active; undefined: none. */
  readonly sessionAbsoluteLifetimeSeconds: number | undefined;
  /**
   * How sessions are kept in Redis: `native` (this app's layout, the default) or `flask-session`
   * (Flask-Session 0.8's, shared with a Flask app using `SESSION_TYPE='redis'`).
   */
  readonly sessionRedisFormat: SessionRedisFormat;
  /** Flask-Session's own settings, under its names, for `flask-session`; only those that were set. */
  readonly flaskSession: FlaskSessionSettings;
  /**
   * Texts no log line or error message may show: the passwords in `REDIS_URL` and
   * `REDIS_CLUSTER_NODES`, as written and percent-decoded. The logger masks them as `***`.
   */
  readonly credentials: readonly string[];
}

/** The values of SESSION_REDIS_FORMAT. */
export const SESSION_REDIS_FORMATS = ['native', 'flask-session'] as const;
export type SessionRedisFormat = (typeof SESSION_REDIS_FORMATS)[number];

/** Flask-Session 0.8's settings the app passes on (`SESSION_KEY_PREFIX`, …); unset: its defaults. */
export interface FlaskSessionSettings {
  /** `SESSION_KEY_PREFIX` (Flask-Session's default `session:`). */
  readonly keyPrefix?: string;
  /** `SESSION_SERIALIZATION_FORMAT` (default `msgpack`). */
  readonly serializationFormat?: 'msgpack' | 'json';
  /** `SESSION_USE_SIGNER` (default false). */
  readonly useSigner?: boolean;
  /** `SESSION_ID_LENGTH` in bytes (default 32). */
  readonly idLengthBytes?: number;
}

/** The session settings of a cookie-mode app, for configurations built by hand (tests, fuzzing, profiling). */
export const COOKIE_SESSION_SETTINGS = Object.freeze({
  sessionType: 'cookie',
  sessionSqlitePath: ':memory:',
  redisUrl: 'redis://127.0.0.1:6379',
  redisClusterNodes: Object.freeze([]),
  sessionAbsoluteLifetimeSeconds: undefined,
  sessionRedisFormat: 'native',
  flaskSession: Object.freeze({}),
  credentials: Object.freeze([]),
} as const);

/** The values of SESSION_TYPE. */
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

export const SESSION_TYPES = ['cookie', 'sqlite', 'redis'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

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
  SESSION_TYPE: z
    .enum(SESSION_TYPES, { error: `must be one of ${SESSION_TYPES.join(', ')}` })
    .default('cookie'),
  SESSION_SQLITE_PATH: z.string().optional(),
  SESSION_ABSOLUTE_LIFETIME_DAYS: wholeNumber(1, 3650).optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379')
    .refine((url) => URL.canParse(url), 'must be a redis:// or rediss:// URL, like redis://127.0.0.1:6379')
    .default('redis://127.0.0.1:6379'),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(
      /^\s*[^\s:,]+:\d{1,5}\s*(,\s*[^\s:,]+:\d{1,5}\s*)*$/,
      'must be host:port pairs separated by commas, like 10.0.0.1:7000,10.0.0.2:7000',
    )
    .optional(),
  SESSION_REDIS_FORMAT: z
    .enum(SESSION_REDIS_FORMATS, { error: `must be one of ${SESSION_REDIS_FORMATS.join(', ')}` })
    .default('native'),
  // Flask-Session 0.8's settings, under its names (for SESSION_REDIS_FORMAT=flask-session).
  SESSION_KEY_PREFIX: z
    .string()
    .regex(/^\S+$/, 'must not contain spaces; use the same prefix as the Flask app (default session:)')
    .optional(),
  SESSION_SERIALIZATION_FORMAT: z
    .enum(['msgpack', 'json'], { error: 'must be msgpack or json, as the Flask app sets it' })
    .optional(),
  SESSION_USE_SIGNER: flag.optional(),
  SESSION_ID_LENGTH: wholeNumber(16, 1024).optional(),
});

/** The Flask-Session settings, which apply only with SESSION_REDIS_FORMAT=flask-session. */
const FLASK_SESSION_VARIABLES = [
  'SESSION_KEY_PREFIX',
  'SESSION_SERIALIZATION_FORMAT',
  'SESSION_USE_SIGNER',
  'SESSION_ID_LENGTH',
] as const;

// The operations variables (ALLOWED_HOSTS, timeouts, overload, logs) live in config-operations.ts.
const fullSchema = envSchema.extend(operationsEnvSchema.shape);

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
  const redisClusterNodes = (e.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '')
    .map((node) => `redis://${node}`);
  checkRedisFormat(e);

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
    sessionType: e.SESSION_TYPE,
    sessionSqlitePath: e.SESSION_SQLITE_PATH ?? join(instanceDir, 'sessions.sqlite3'),
    redisUrl: e.REDIS_URL,
    redisClusterNodes: Object.freeze(redisClusterNodes),
    sessionAbsoluteLifetimeSeconds:
      e.SESSION_ABSOLUTE_LIFETIME_DAYS === undefined ? undefined : e.SESSION_ABSOLUTE_LIFETIME_DAYS * 86400,
    sessionRedisFormat: e.SESSION_REDIS_FORMAT,
    flaskSession: Object.freeze({
      ...(e.SESSION_KEY_PREFIX === undefined ? {} : { keyPrefix: e.SESSION_KEY_PREFIX }),
      ...(e.SESSION_SERIALIZATION_FORMAT === undefined
        ? {}
        : { serializationFormat: e.SESSION_SERIALIZATION_FORMAT }),
      ...(e.SESSION_USE_SIGNER === undefined ? {} : { useSigner: e.SESSION_USE_SIGNER }),
      ...(e.SESSION_ID_LENGTH === undefined ? {} : { idLengthBytes: e.SESSION_ID_LENGTH }),
    }),
    credentials: Object.freeze(urlPasswords([e.REDIS_URL, ...redisClusterNodes])),
  });
}

/**
 * SESSION_REDIS_FORMAT=flask-session with the settings it cannot honour, and Flask-Session's
 * settings without it (they would be silently ignored).
 * @throws ConfigError saying what to change.
 */
function checkRedisFormat(e: z.infer<typeof fullSchema>): void {
  if (e.SESSION_REDIS_FORMAT !== 'flask-session') {
    const stray = FLASK_SESSION_VARIABLES.filter((name) => e[name] !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(
        `${stray.join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} only to Flask-Session's layout: ` +
          'set SESSION_TYPE=redis and SESSION_REDIS_FORMAT=flask-session, or unset them.',
      );
    }
    return;
  }
  const fix = 'SESSION_REDIS_FORMAT=flask-session';
  if (e.SESSION_TYPE !== 'redis') {
    throw new ConfigError(
      `${fix} needs SESSION_TYPE=redis (it is ${e.SESSION_TYPE}): Flask-Session's sessions live in Redis. ` +
        'Set SESSION_TYPE=redis, or unset SESSION_REDIS_FORMAT.',
    );
  }
  if (e.REDIS_CLUSTER_NODES !== undefined) {
    throw new ConfigError(
      `${fix} cannot use REDIS_CLUSTER_NODES: Flask-Session takes a single Redis (SESSION_REDIS). ` +
        'Unset REDIS_CLUSTER_NODES and set REDIS_URL to the Redis the Flask app uses.',
    );
  }
  if (e.SESSION_ABSOLUTE_LIFETIME_DAYS !== undefined) {
    throw new ConfigError(
      `${fix} cannot use SESSION_ABSOLUTE_LIFETIME_DAYS: Flask-Session keeps no creation time. ` +
        'Unset SESSION_ABSOLUTE_LIFETIME_DAYS (SESSION_LIFETIME_DAYS still applies).',
    );
  }
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
