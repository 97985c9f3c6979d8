/**
 * Live quotes: a provider (Alpha Vantage), a cache and request budget shared by all workers, and
 * the service a page calls. Imports nothing of the app. See `README.md` in this folder.
 * @module
 */
export {
  QuoteUnavailable,
  normalizeQuoteSymbol,
  type GetQuoteOptions,
  type Quote,
  type QuoteProvider,
  type QuoteSource,
  type QuoteUnavailableReason,
} from './provider.js';
export { ALPHAVANTAGE_DEFAULT_URL, AlphaVantageProvider, type AlphaVantageOptions } from './alpha-vantage.js';
export {
  QuoteConfigError,
  quoteConfigFromEnv,
  type LiveQuoteSettings,
  type QuoteCacheLocation,
  type QuoteConfig,
} from './config.js';
export {
  DEFAULT_FRESH_MS,
  DEFAULT_QUOTE_BUDGET,
  DEFAULT_RETAIN_MS,
  MemoryQuoteCache,
  QuoteCacheUnavailable,
  type CachedFailure,
  type CachedQuote,
  type QuoteBudget,
  type QuoteCache,
  type QuoteCacheEntry,
} from './cache.js';
export type { SqliteQuoteCacheOptions } from './sqlite-cache.js';
export type { RedisQuoteCacheOptions } from './redis-cache.js';
export {
  DEFAULT_QUOTE_DEADLINE_MS,
  QuoteService,
  type QuoteResult,
  type QuoteServiceOptions,
  type QuotesForOptions,
  type StaleReason,
} from './quote-service.js';
export {
  createQuoteService,
  openLiveQuotes,
  openQuoteCache,
  type LiveQuotes,
  type QuoteServiceExtras,
} from './open.js';
