/**
 * The quote cache shared by all workers, and the request budget counted in it.
 *
 * One entry per symbol holds the last quote ever fetched (kept after it goes stale, so a failure
 * can still show the last known price with its date) and the last failure, each with its time.
 * Both are written "newer wins", so two workers finishing out of order never put an older quote
 * over a newer one, and a failure never erases a quote.
 *
 * ## The budget, and Alpha Vantage's free tier
 * Alpha Vantage's free tier allows 25 requests per day (its "Information" answer says so once they
 * are spent) and historically 5 per minute. The budget is counted in the cache itself, atomically,
 * so every worker process (and every machine sharing a Redis) draws from one allowance:
 * {@link DEFAULT_QUOTE_BUDGET} is 5 per minute and 25 per UTC day. Alpha Vantage does not document
 * when its day starts; counting by UTC day may let a day's last calls meet its limit, which the
 * service then treats as a provider rate limit (a pause; the last known prices are shown).
 * A paid key raises both through configuration (`ALPHAVANTAGE_REQUESTS_PER_MINUTE`,
 * `ALPHAVANTAGE_REQUESTS_PER_DAY`).
 * @module
 */
import type { Quote, QuoteUnavailableReason } from './provider.js';

/** Calls allowed to the provider, across all workers. */
export interface QuoteBudget {
  readonly perMinute: number;
  /** Per UTC day. */
  readonly perDay: number;
}

/** Alpha Vantage's free tier: 25 calls a day, 5 a minute. */
export const DEFAULT_QUOTE_BUDGET: QuoteBudget = Object.freeze({ perMinute: 5, perDay: 25 });

/**
 * How long a fetched quote is served before it is asked for again: 15 minutes. Free quote feeds
 * (Alpha Vantage's included) are at best 15 minutes behind the exchange, so asking sooner would
 * spend the 25 daily calls without ever showing a newer price; outside trading hours the price
 * does not move at all, and re-asking every 15 minutes costs one call per symbol.
 */
export const DEFAULT_FRESH_MS = 15 * 60_000;

/**
 * How long a cache keeps an entry that is never refreshed: 30 days (Redis expiry). A month-old
 * price, shown with its date, still tells the visitor more than none.
 */
export const DEFAULT_RETAIN_MS = 30 * 24 * 60 * 60_000;

/** The last quote of a symbol and when it was fetched. */
export interface CachedQuote {
  readonly quote: Quote;
  readonly fetchedAtMs: number;
}

/** The last failure to fetch a symbol, and when. */
export interface CachedFailure {
  readonly reason: QuoteUnavailableReason;
  readonly atMs: number;
}

/** What the cache knows of one symbol. */
export interface QuoteCacheEntry {
  readonly last?: CachedQuote;
  readonly failure?: CachedFailure;
}

/** A shared cache and budget could not be reached (Redis down, SQLite busy): catch it by class. */
export class QuoteCacheUnavailable extends Error {
  override name = 'QuoteCacheUnavailable';
}

/**
 * Where quotes and the budget live. Implementations: {@link MemoryQuoteCache} (one process),
 * `SqliteQuoteCache` (one machine, any number of workers), `RedisQuoteCache` (many machines).
 * Every method may reject with {@link QuoteCacheUnavailable}.
 */
export interface QuoteCache {
  /** The entries of those `symbols` it holds (absent symbols are not in the map). */
  read(symbols: readonly string[]): Promise<ReadonlyMap<string, QuoteCacheEntry>>;
  /** Keeps `quote` unless a quote fetched later is already there. */
  saveQuote(quote: Quote, fetchedAtMs: number): Promise<void>;
  /** Records a failure (unless a later one is there); the last quote stays. */
  saveFailure(symbol: string, reason: QuoteUnavailableReason, atMs: number): Promise<void>;
  /**
   * Takes up to `wanted` calls from the budget at `nowMs`, atomically across every user of the
   * same store, and returns how many it granted (0 while paused).
   */
  takeBudget(wanted: number, nowMs: number, budget: QuoteBudget): Promise<number>;
  /** Grants nothing until `untilMs` (the provider said its limit is reached). Never shortens a pause. */
  pauseBudget(untilMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The budget windows `nowMs` falls in: the UTC minute and the UTC day, as numbers. */
export function budgetWindows(nowMs: number): { minute: number; day: number } {
  return { minute: Math.floor(nowMs / 60_000), day: Math.floor(nowMs / 86_400_000) };
}

/** How many of `wanted` fit beside `usedMinute` and `usedDay` calls already made. */
export function grantable(wanted: number, usedMinute: number, usedDay: number, budget: QuoteBudget): number {
  return Math.max(0, Math.min(wanted, budget.perMinute - usedMinute, budget.perDay - usedDay));
}

/** Quotes and budget in this process only: for one worker, development and tests. */
export class MemoryQuoteCache implements QuoteCache {
  readonly #entries = new Map<string, QuoteCacheEntry>();
  #minute = { window: -1, used: 0 };
  #day = { window: -1, used: 0 };
  #pausedUntilMs = 0;

  read(symbols: readonly string[]): Promise<ReadonlyMap<string, QuoteCacheEntry>> {
    const found = new Map<string, QuoteCacheEntry>();
    for (const symbol of symbols) {
      const entry = this.#entries.get(symbol);
      if (entry !== undefined) found.set(symbol, entry);
    }
    return Promise.resolve(found);
  }

  saveQuote(quote: Quote, fetchedAtMs: number): Promise<void> {
    const entry = this.#entries.get(quote.symbol) ?? {};
    if (entry.last === undefined || entry.last.fetchedAtMs < fetchedAtMs) {
      this.#entries.set(quote.symbol, { ...entry, last: { quote, fetchedAtMs } });
    }
    return Promise.resolve();
  }

  saveFailure(symbol: string, reason: QuoteUnavailableReason, atMs: number): Promise<void> {
    const entry = this.#entries.get(symbol) ?? {};
    if (entry.failure === undefined || entry.failure.atMs < atMs) {
      this.#entries.set(symbol, { ...entry, failure: { reason, atMs } });
    }
    return Promise.resolve();
  }

  takeBudget(wanted: number, nowMs: number, budget: QuoteBudget): Promise<number> {
    if (nowMs < this.#pausedUntilMs) return Promise.resolve(0);
    const { minute, day } = budgetWindows(nowMs);
    if (this.#minute.window !== minute) this.#minute = { window: minute, used: 0 };
    if (this.#day.window !== day) this.#day = { window: day, used: 0 };
    const granted = grantable(wanted, this.#minute.used, this.#day.used, budget);
    this.#minute.used += granted;
    this.#day.used += granted;
    return Promise.resolve(granted);
  }

  pauseBudget(untilMs: number): Promise<void> {
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, untilMs);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
