/**
 * Where sessions live: the signed cookie (the default), an SQLite file or Redis (Flask-Session's
 * `SESSION_TYPE`), with Flask-Session's own settings for a Redis shared with a Flask app. Kept
 * apart from `config.ts` (keys, cookie, server) so each file has one job; `loadConfig` merges
 * this part into one frozen `Config`.
 * @module
 */
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError, flag, wholeNumber } from './config-env.js';
import { urlPasswords } from './redis-url.js';

/** The values of SESSION_TYPE. */
export const SESSION_TYPES = ['cookie', 'sqlite', 'redis'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];

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

/** The session-storage part of the configuration. */
export interface SessionStorageConfig {
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

/** The session-storage variables. */
export const sessionEnvSchema = z.object({
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

type SessionEnv = z.infer<typeof sessionEnvSchema>;

/** The Flask-Session settings, which apply only with SESSION_REDIS_FORMAT=flask-session. */
const FLASK_SESSION_VARIABLES = [
  'SESSION_KEY_PREFIX',
  'SESSION_SERIALIZATION_FORMAT',
  'SESSION_USE_SIGNER',
  'SESSION_ID_LENGTH',
] as const;

/**
 * The session-storage settings from the checked variables.
 * @param instanceDir where the SQLite file goes when SESSION_SQLITE_PATH is unset.
 * @throws ConfigError for combinations that cannot work, saying what to change.
 */
export function readSessionStorageConfig(e: SessionEnv, instanceDir: string): SessionStorageConfig {
  const redisClusterNodes = (e.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .map((node) => node.trim())
    .filter((node) => node !== '')
    .map((node) => `redis://${node}`);
  checkRedisFormat(e);
  return {
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
  };
}

/**
 * SESSION_REDIS_FORMAT=flask-session with the settings it cannot honour, and Flask-Session's
 * settings without it (they would be silently ignored).
 * @throws ConfigError saying what to change.
 */
function checkRedisFormat(e: SessionEnv): void {
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
