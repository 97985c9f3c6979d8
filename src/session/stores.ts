/**
 * The session store the configuration names (cookie, SQLite or Redis), with the app's choices:
 * every session permanent, small sessions uncompressed. Tests and tools build the same to read
 * and forge the app's cookies.
 *
 * A server-side store's module is loaded only when the configuration names it: the Redis client
 * and better-sqlite3 are some 20 MiB of a process's memory that a cookie-session process never
 * uses (peak RSS of a worker under `npm run bench -- --quick`, issue 16).
 * @module
 */
import { CookieSessionStore, type SessionStore } from 'flask-session-ts';
import type { Config } from '../platform/config.js';
import type { Logger } from '../platform/logging.js';
import { maskCredentials } from '../platform/redis-url.js';

/**
 * Sessions whose JSON is at most this size go out without zlib: for a typical portfolio, deflate
 * and inflate cost more than the HMAC (`npm run bench:session`), while the cookie stays far from
 * its 4 KB limit; bigger portfolios, which need the room, are still compressed. Flask reads both.
 */
export const SESSION_COMPRESS_ABOVE_BYTES = 1024;

/** The cookie store for `config`; tests build the same to read and forge the app's cookies. */
export function createCookieStore(config: Config, now?: () => number): CookieSessionStore {
  return new CookieSessionStore({
    secretKey: config.secretKey,
    fallbackSecretKeys: config.fallbackSecretKeys,
    lifetimeSeconds: config.sessionLifetimeSeconds,
    // The app's choice, not the library's default: the portfolio should survive a browser
    // restart, so every session it saves is permanent (README, "How the session works").
    permanent: true,
    cookie: { name: config.sessionCookieName, secure: config.production },
    compressAboveBytes: SESSION_COMPRESS_ABOVE_BYTES,
    ...(now === undefined ? {} : { now }),
  });
}

/**
 * The session store `config.sessionType` names, its module loaded first. A Redis store starts
 * connecting at once; `await store.ping?.()` tells whether it is there.
 */
export async function createSessionStore(
  config: Config,
  now?: () => number,
  logger?: Logger,
): Promise<SessionStore> {
  if (config.sessionType === 'cookie') return createCookieStore(config, now);
  const common = {
    secretKey: config.secretKey,
    fallbackSecretKeys: config.fallbackSecretKeys,
    lifetimeSeconds: config.sessionLifetimeSeconds,
    ...(config.sessionAbsoluteLifetimeSeconds === undefined
      ? {}
      : { absoluteLifetimeSeconds: config.sessionAbsoluteLifetimeSeconds }),
    permanent: true,
    cookie: { name: config.sessionCookieName, secure: config.production },
    ...(now === undefined ? {} : { now }),
  };
  if (config.sessionType === 'sqlite') {
    const { SqliteSessionStore } = await import('flask-session-ts/sqlite');
    return new SqliteSessionStore({ ...common, path: config.sessionSqlitePath });
  }
  let lastError = '';
  // One line per kind of failure while the client reconnects, not one per retry; never the password.
  const onError = (error: Error) => {
    const message = maskCredentials(error.message, config.credentials);
    if (message === lastError) return;
    lastError = message;
    logger?.error(`Redis: ${message} (reconnecting)`);
  };
  if (config.sessionRedisFormat === 'flask-session') {
    // Flask-Session's layout (config.ts has refused the settings it cannot honour: a cluster, an
    // absolute lifetime); its own settings pass through under Flask's names.
    const { FlaskSessionRedisStore } = await import('flask-session-ts/flask-session-redis');
    return new FlaskSessionRedisStore({
      secretKey: config.secretKey,
      fallbackSecretKeys: config.fallbackSecretKeys,
      lifetimeSeconds: config.sessionLifetimeSeconds,
      permanent: true,
      cookie: { name: config.sessionCookieName, secure: config.production },
      url: config.redisUrl,
      onError,
      ...(now === undefined ? {} : { now }),
      ...config.flaskSession,
    });
  }
  const { RedisSessionStore } = await import('flask-session-ts/redis');
  return new RedisSessionStore({
    ...common,
    url: config.redisUrl,
    clusterNodes: config.redisClusterNodes,
    onError,
  });
}
