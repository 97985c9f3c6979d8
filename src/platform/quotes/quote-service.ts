/**
 * What a page calls for prices: {@link QuoteService.quotesFor} answers within its deadline (about a
 * second) with, for each symbol, a fresh quote, the last known one marked stale with the reason, or
 * nothing with the reason. It never throws for a provider's or a cache's failure and never waits
 * past the deadline.
 *
 * How one call goes:
 * 1. Read every symbol's entry from the shared cache. Fresh quotes (younger than `freshMs`) are
 *    answered from it; so are symbols whose last attempt failed less than `freshMs` ago (the last
 *    known quote, stale, with that failure's reason), so a failing symbol costs one call per
 *    `freshMs`, not one per page view.
 * 2. A symbol already being fetched by this process joins that fetch (coalescing): concurrent
 *    pages cost one call per symbol.
 * 3. The rest take calls from the shared budget in one atomic step, symbols never quoted first,
 *    then the oldest. Those beyond it are answered from the cache with the reason `budget`.
 * 4. Fetches run under the provider's own timeout (5 s for Alpha Vantage), not the page's: a quote
 *    arriving after the page was sent still fills the cache for the next page, and the call was
 *    counted either way. The page gets `timeout` for those at its deadline.
 * 5. A provider's rate-limit answer pauses the shared budget for `rateLimitPauseMs`.
 * @module
 */
import {
  DEFAULT_FRESH_MS,
  DEFAULT_QUOTE_BUDGET,
  type QuoteBudget,
  type QuoteCache,
  type QuoteCacheEntry,
} from './cache.js';
import { beforeDeadline } from './deadline.js';
import {
  QuoteUnavailable,
  normalizeQuoteSymbol,
  type Quote,
  type QuoteProvider,
  type QuoteUnavailableReason,
} from './provider.js';

/**
 * Why a result is not fresh: the provider's reasons, plus `budget` (this app's share of the
 * provider's limits is spent for now: shown like a rate limit) and `cache-unavailable` (the shared
 * cache did not answer, so the budget could not be counted and nothing was asked).
 */
export type StaleReason = QuoteUnavailableReason | 'budget' | 'cache-unavailable';

/** One symbol's answer. Show `quote.price` with `quote.asOf` and `quote.source`; for `stale`, say why. */
export type QuoteResult =
  | { readonly status: 'fresh'; readonly quote: Quote; readonly fetchedAtMs: number }
  | {
      readonly status: 'stale';
      readonly quote: Quote;
      readonly fetchedAtMs: number;
      readonly reason: StaleReason;
    }
  | { readonly status: 'missing'; readonly reason: StaleReason };

/** Options of {@link QuoteService}. */
export interface QuoteServiceOptions {
  readonly provider: QuoteProvider;
  /** Shared by all workers; the service does not close it. */
  readonly cache: QuoteCache;
  /** Default {@link DEFAULT_QUOTE_BUDGET} (Alpha Vantage's free tier). */
  readonly budget?: QuoteBudget;
  /** Default {@link DEFAULT_FRESH_MS}. */
  readonly freshMs?: number;
  /**
   * How long the budget grants nothing after the provider answers with its rate limit. Default one
   * hour: the free tier's limit is per day, and each refused call may count too.
   */
  readonly rateLimitPauseMs?: number;
  /** The clock. Default `Date.now`. */
  readonly now?: () => number;
  /** Told of failures worth a log line: a cache that did not answer, an unexpected error. */
  readonly onError?: (error: unknown) => void;
}

/** Options of one {@link QuoteService.quotesFor} call. */
export interface QuotesForOptions {
  /** Longest wait. Default {@link DEFAULT_QUOTE_DEADLINE_MS}. */
  readonly deadlineMs?: number;
  /** Stops waiting at once (e.g. the visitor went away); fetches carry on and fill the cache. */
  readonly signal?: AbortSignal;
}

/** A page waits this long for quotes at most: 1000 ms. */
export const DEFAULT_QUOTE_DEADLINE_MS = 1000;

const DEFAULT_RATE_LIMIT_PAUSE_MS = 60 * 60_000;

type Outcome =
  { readonly quote: Quote; readonly fetchedAtMs: number } | { readonly reason: QuoteUnavailableReason };

/**
 * Live quotes for pages.
 *
 * @example
 * const quotes = await service.quotesFor(['AAPL', 'IBM']); // at most about a second
 * const ibm = quotes.get('IBM');
 * if (ibm?.status === 'fresh') show(ibm.quote.price, ibm.quote.asOf);
 * else if (ibm?.status === 'stale') show(ibm.quote.price, ibm.quote.asOf, `not updated: ${ibm.reason}`);
 * else showManualPrice();
 */
export class QuoteService {
  readonly #provider: QuoteProvider;
  readonly #cache: QuoteCache;
  readonly #budget: QuoteBudget;
  readonly #freshMs: number;
  readonly #pauseMs: number;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;
  /** Per symbol: the provider's outcome (for pages), and the cache write after it (for {@link settled}). */
  readonly #inflight = new Map<string, { outcome: Promise<Outcome>; written: Promise<void> }>();
  readonly #closing = new AbortController();

  constructor(options: QuoteServiceOptions) {
    this.#provider = options.provider;
    this.#cache = options.cache;
    this.#budget = options.budget ?? DEFAULT_QUOTE_BUDGET;
    this.#freshMs = options.freshMs ?? DEFAULT_FRESH_MS;
    this.#pauseMs = options.rateLimitPauseMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
  }

  /**
   * The quotes of `symbols`, within `deadlineMs`. The map is keyed by each symbol as
   * {@link normalizeQuoteSymbol} writes it (upper case); an input that cannot be a ticker is keyed
   * as given, `missing` with `unknown-symbol`. Never rejects.
   */
  async quotesFor(
    symbols: readonly string[],
    options: QuotesForOptions = {},
  ): Promise<ReadonlyMap<string, QuoteResult>> {
    const deadlineMs = options.deadlineMs ?? DEFAULT_QUOTE_DEADLINE_MS;
    // AbortSignal.timeout throws on a negative or non-finite delay; such a deadline means "now".
    const timer = AbortSignal.timeout(Number.isFinite(deadlineMs) ? Math.max(0, deadlineMs) : 0);
    const deadline = options.signal === undefined ? timer : AbortSignal.any([timer, options.signal]);
    const results = new Map<string, QuoteResult>();
    const wanted: string[] = [];
    for (const symbol of symbols) {
      const normalized = normalizeQuoteSymbol(symbol);
      if (normalized === undefined) results.set(symbol, { status: 'missing', reason: 'unknown-symbol' });
      else if (!wanted.includes(normalized)) wanted.push(normalized);
    }
    if (wanted.length === 0) return results;

    const read = await beforeDeadline(this.#onError, this.#cache.read(wanted), deadline);
    if (read.kind !== 'done') {
      for (const symbol of wanted) results.set(symbol, unavailable(undefined, failedReason(read.kind)));
      return results;
    }
    const entries = read.value;
    const nowMs = this.#now();
    const fetching = new Map<string, Promise<Outcome>>();
    const toFetch: string[] = [];
    for (const symbol of wanted) {
      const entry = entries.get(symbol);
      const last = entry?.last;
      const failure = entry?.failure;
      const running = this.#inflight.get(symbol);
      if (last !== undefined && nowMs - last.fetchedAtMs < this.#freshMs) {
        results.set(symbol, { status: 'fresh', ...last });
      } else if (
        failure !== undefined &&
        failure.atMs > (last?.fetchedAtMs ?? -Infinity) &&
        nowMs - failure.atMs < this.#freshMs
      ) {
        results.set(symbol, unavailable(entry, failure.reason));
      } else if (running !== undefined) {
        fetching.set(symbol, running.outcome);
      } else {
        toFetch.push(symbol);
      }
    }

    // Never quoted first (a page with no price at all is worse than an old one), then the oldest.
    toFetch.sort(
      (a, b) => (entries.get(a)?.last?.fetchedAtMs ?? -1) - (entries.get(b)?.last?.fetchedAtMs ?? -1),
    );
    // The calls granted are fetched even when the grant comes after the page's deadline: they are
    // counted already, and their answers fill the cache for the next page.
    const starting =
      toFetch.length === 0
        ? Promise.resolve([])
        : this.#cache
            .takeBudget(toFetch.length, nowMs, this.#budget)
            .then((granted) => toFetch.slice(0, granted).map((s) => [s, this.#fetch(s)] as const));
    const take = await beforeDeadline(this.#onError, starting, deadline);
    if (take.kind === 'done') for (const [symbol, outcome] of take.value) fetching.set(symbol, outcome);
    for (const symbol of toFetch) {
      if (fetching.has(symbol)) continue;
      const reason = take.kind === 'done' ? 'budget' : failedReason(take.kind);
      results.set(symbol, unavailable(entries.get(symbol), reason));
    }

    const outcomes = new Map<string, Outcome>();
    const all = [...fetching].map(([symbol, outcome]) => outcome.then((o) => void outcomes.set(symbol, o)));
    await beforeDeadline(this.#onError, Promise.all(all), deadline);
    for (const symbol of fetching.keys()) {
      const outcome = outcomes.get(symbol);
      if (outcome === undefined) results.set(symbol, unavailable(entries.get(symbol), 'timeout'));
      else if ('quote' in outcome) results.set(symbol, { status: 'fresh', ...outcome });
      else results.set(symbol, unavailable(entries.get(symbol), outcome.reason));
    }
    // In the order asked, whatever order the answers came in.
    return new Map(
      symbols.flatMap((s) => {
        const key = normalizeQuoteSymbol(s) ?? s;
        const result = results.get(key);
        return result === undefined ? [] : [[key, result] as const];
      }),
    );
  }

  /** Resolves when every fetch this process started has ended and its result is in the cache. */
  async settled(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.all([...this.#inflight.values()].map((f) => f.written));
  }

  /** Cancels the fetches under way (their pages already have `timeout`) and waits for them to end. */
  async close(): Promise<void> {
    this.#closing.abort();
    await this.settled();
  }

  /** The outcome of `symbol`'s fetch: the one under way, or a new one. Never rejects. */
  #fetch(symbol: string): Promise<Outcome> {
    const running = this.#inflight.get(symbol);
    if (running !== undefined) return running.outcome;
    if (this.#closing.signal.aborted) return Promise.resolve({ reason: 'timeout' });
    let finish: (outcome: Outcome) => void = () => undefined;
    const outcome = new Promise<Outcome>((resolve) => (finish = resolve));
    // Through a promise, so that a provider that throws instead of rejecting is handled the same.
    const asked = Promise.resolve().then(() =>
      this.#provider.getQuote(symbol, { signal: this.#closing.signal }),
    );
    const written = asked.then(
      // In the cache before the pages waiting for it hear of it, so that the next page, on any
      // worker, finds it there (and a rate limit's pause is in place) rather than asking again.
      async (quote) => {
        const fetchedAtMs = this.#now();
        await this.#quietly(this.#cache.saveQuote(quote, fetchedAtMs));
        finish({ quote, fetchedAtMs });
      },
      async (error: unknown) => {
        const reason = error instanceof QuoteUnavailable ? error.reason : 'error';
        if (!(error instanceof QuoteUnavailable)) this.#onError(error);
        if (!this.#closing.signal.aborted) {
          const atMs = this.#now();
          if (reason === 'rate-limited') await this.#quietly(this.#cache.pauseBudget(atMs + this.#pauseMs));
          await this.#quietly(this.#cache.saveFailure(symbol, reason, atMs));
        }
        finish({ reason });
      },
    );
    const entry = { outcome, written: written.finally(() => this.#inflight.delete(symbol)) };
    this.#inflight.set(symbol, entry);
    return outcome;
  }

  /** Waits for a cache write; a cache that failed is logged, not thrown (the page has its answer). */
  async #quietly(write: Promise<void>): Promise<void> {
    try {
      await write;
    } catch (error) {
      this.#onError(error);
    }
  }
}

function unavailable(entry: QuoteCacheEntry | undefined, reason: StaleReason): QuoteResult {
  const last = entry?.last;
  return last === undefined ? { status: 'missing', reason } : { status: 'stale', ...last, reason };
}

function failedReason(kind: 'late' | 'failed'): StaleReason {
  return kind === 'late' ? 'timeout' : 'cache-unavailable';
}
