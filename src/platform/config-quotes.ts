/**
 * The live-quote part of the configuration: `quoteConfigFromEnv`'s settings (off without
 * `ALPHAVANTAGE_API_KEY`) and where their cache lives, which follows `SESSION_TYPE` so that every
 * worker shares one cache and one request budget:
 *
 * | SESSION_TYPE            | quote cache and budget                                                  |
 * | ----------------------- | ----------------------------------------------------------------------- |
 * | `cookie`                | an SQLite file, `QUOTES_SQLITE_PATH` (default `instance/quotes.sqlite3`) |
 * | `sqlite`                | the sessions' file (`SESSION_SQLITE_PATH`), tables of its own            |
 * | `redis` (cluster too)   | the sessions' Redis, keys `quote:…`                                     |
 * @module
 */
import { join } from 'node:path';
import { ConfigError } from './config-env.js';
import type { SessionStorageConfig } from './config-session.js';
import { QuoteConfigError, quoteConfigFromEnv, type LiveQuoteSettings } from './quotes/config.js';

/** The variable naming the quote cache's file in cookie mode. */
export const QUOTES_SQLITE_PATH = 'QUOTES_SQLITE_PATH';

/**
 * The live-quote settings, or undefined when quotes are off (no `ALPHAVANTAGE_API_KEY`).
 * @param env the raw environment (empty values count as unset).
 * @param instanceDir where the cookie mode's quote file goes when QUOTES_SQLITE_PATH is unset.
 * @throws ConfigError with every problem, each saying how to fix it.
 */
export function readQuotesConfig(
  env: Readonly<Record<string, string | undefined>>,
  storage: Pick<SessionStorageConfig, 'sessionType' | 'sessionSqlitePath' | 'redisUrl' | 'redisClusterNodes'>,
  instanceDir: string,
): LiveQuoteSettings | undefined {
  let quotes;
  try {
    quotes = quoteConfigFromEnv(env);
  } catch (error) {
    if (!(error instanceof QuoteConfigError)) throw error;
    throw new ConfigError(error.message);
  }
  const path = env[QUOTES_SQLITE_PATH]?.trim() ?? '';
  if (path !== '' && (quotes === undefined || storage.sessionType !== 'cookie')) {
    throw new ConfigError(
      quotes === undefined
        ? `${QUOTES_SQLITE_PATH} is set but ALPHAVANTAGE_API_KEY is not: set the key to turn live quotes on, or unset ${QUOTES_SQLITE_PATH}.`
        : `${QUOTES_SQLITE_PATH} applies only with SESSION_TYPE=cookie: with SESSION_TYPE=${storage.sessionType} ` +
            `quotes are cached beside the sessions, so every worker shares them. Unset ${QUOTES_SQLITE_PATH}.`,
    );
  }
  if (quotes === undefined) return undefined;
  const cache =
    storage.sessionType === 'cookie'
      ? ({ kind: 'sqlite', path: path === '' ? join(instanceDir, 'quotes.sqlite3') : path } as const)
      : storage.sessionType === 'sqlite'
        ? ({ kind: 'sqlite', path: storage.sessionSqlitePath } as const)
        : storage.redisClusterNodes.length > 0
          ? ({ kind: 'redis-cluster', nodes: storage.redisClusterNodes } as const)
          : ({ kind: 'redis', url: storage.redisUrl } as const);
  return Object.freeze({ ...quotes, cache: Object.freeze(cache) });
}

/** Whether live quotes are on, their budget and where their cache is: the start-up log's line (never the key). */
export function describeQuotes(quotes: LiveQuoteSettings | undefined): string {
  if (quotes === undefined) return 'off (set ALPHAVANTAGE_API_KEY to turn them on)';
  const where =
    quotes.cache.kind === 'sqlite'
      ? quotes.cache.path
      : quotes.cache.kind === 'redis'
        ? "the sessions' Redis"
        : "the sessions' Redis Cluster";
  return (
    `Alpha Vantage, at most ${quotes.requestsPerMinute} requests a minute and ${quotes.requestsPerDay} a day ` +
    `across all workers, cached in ${where}`
  );
}
