/**
 * Building the live-quote machinery from checked settings: the Alpha Vantage client, the shared
 * cache at the place the configuration chose, and the {@link QuoteService} pages call. The app's
 * start-up calls {@link openLiveQuotes} once per process and closes it on shutdown.
 * @module
 */
import { AlphaVantageProvider } from './alpha-vantage.js';
import type { QuoteCache } from './cache.js';
import type { LiveQuoteSettings, QuoteCacheLocation, QuoteConfig } from './config.js';
import { QuoteService, type QuoteServiceOptions } from './quote-service.js';

/** Options of {@link createQuoteService} and {@link openLiveQuotes}. */
export type QuoteServiceExtras = Pick<QuoteServiceOptions, 'now' | 'onError' | 'rateLimitPauseMs'> & {
  /** One provider request's longest wait (Alpha Vantage's default: 5000 ms). */
  readonly requestTimeoutMs?: number;
};

/**
 * A {@link QuoteService} on Alpha Vantage with the checked configuration (see `config.ts`).
 *
 * @example
 * const config = quoteConfigFromEnv(process.env);
 * const quotes = config && createQuoteService(config, new SqliteQuoteCache({ path: sessionsPath }));
 */
export function createQuoteService(
  config: QuoteConfig,
  cache: QuoteCache,
  options: QuoteServiceExtras = {},
): QuoteService {
  const { requestTimeoutMs, ...rest } = options;
  return new QuoteService({
    ...rest,
    provider: new AlphaVantageProvider({
      apiKey: config.apiKey,
      url: config.url,
      ...(requestTimeoutMs !== undefined && { timeoutMs: requestTimeoutMs }),
    }),
    cache,
    budget: { perMinute: config.requestsPerMinute, perDay: config.requestsPerDay },
    freshMs: config.freshMs,
  });
}

/**
 * The cache at `location`, its module loaded first (only the kind in use: a process without live
 * quotes loads neither better-sqlite3 nor the Redis client). An SQLite file is opened (and its
 * tables made) at once; a Redis client starts connecting and reports failures at its first command.
 * @throws QuoteCacheUnavailable when the SQLite file cannot be opened.
 */
export async function openQuoteCache(
  location: QuoteCacheLocation,
  onError: (error: unknown) => void = () => undefined,
): Promise<QuoteCache> {
  if (location.kind === 'sqlite') {
    const { SqliteQuoteCache } = await import('./sqlite-cache.js');
    return new SqliteQuoteCache({ path: location.path });
  }
  const { RedisQuoteCache } = await import('./redis-cache.js');
  switch (location.kind) {
    case 'redis':
      return new RedisQuoteCache({ url: location.url, onError });
    case 'redis-cluster':
      return new RedisQuoteCache({ clusterNodes: location.nodes, onError });
  }
}

/** A process's live quotes: the service pages call, and its shutdown. */
export interface LiveQuotes {
  readonly service: QuoteService;
  /** Cancels fetches under way, waits for their cache writes, then closes the cache. */
  close(): Promise<void>;
}

/**
 * The service and its cache for `settings`, as the app's start-up opens them.
 * @throws QuoteCacheUnavailable when the cache's SQLite file cannot be opened.
 */
export async function openLiveQuotes(
  settings: LiveQuoteSettings,
  options: QuoteServiceExtras = {},
): Promise<LiveQuotes> {
  const cache = await openQuoteCache(settings.cache, options.onError);
  const service = createQuoteService(settings, cache, options);
  return {
    service,
    async close() {
      await service.close();
      await cache.close();
    },
  };
}
