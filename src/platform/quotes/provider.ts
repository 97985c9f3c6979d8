/**
 * What a quote provider offers, whatever service is behind it: one latest price per symbol with
 * the trading day it belongs to, or a {@link QuoteUnavailable} saying why not.
 *
 * Prices cross this boundary as validated decimal strings (`"189.25"`), never as floating-point
 * numbers, so the domain's decimal arithmetic receives exactly what the provider sent.
 * @module
 */

/** Where a quote came from; shown beside every price. */
export type QuoteSource = 'alpha-vantage';

/** A provider's latest price of one symbol. */
export interface Quote {
  /** Upper case, as {@link normalizeQuoteSymbol} returns it. */
  readonly symbol: string;
  /** A positive decimal string with at least two decimals and no trailing zeros past them: `"189.25"`. */
  readonly price: string;
  /** The trading day the price belongs to, `YYYY-MM-DD` (Alpha Vantage's "latest trading day"). */
  readonly asOf: string;
  readonly source: QuoteSource;
}

/**
 * Why no quote came back. A page shows each differently:
 * - `rate-limited`: the provider refused for now (its per-minute or per-day limit).
 * - `unknown-symbol`: the provider does not know the symbol (or it is not a symbol at all).
 * - `timeout`: no complete answer in time (or the request was cancelled).
 * - `error`: anything else: connection refused, HTTP 5xx, an answer that is not the documented JSON.
 */
export type QuoteUnavailableReason = 'rate-limited' | 'unknown-symbol' | 'timeout' | 'error';

/**
 * A provider could not give a quote. Catch it by class and switch on {@link reason}; the message is
 * for logs (it never holds an API key).
 */
export class QuoteUnavailable extends Error {
  override name = 'QuoteUnavailable';
  constructor(
    readonly reason: QuoteUnavailableReason,
    readonly symbol: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options of one {@link QuoteProvider.getQuote} call. */
export interface GetQuoteOptions {
  /** Cancels the request; the call then rejects with QuoteUnavailable('timeout'). */
  readonly signal?: AbortSignal;
}

/** A source of latest prices. */
export interface QuoteProvider {
  readonly source: QuoteSource;
  /**
   * The latest quote of `symbol` (give it {@link normalizeQuoteSymbol}'s form).
   * @throws QuoteUnavailable for every failure of the provider, the network or the answer.
   */
  getQuote(symbol: string, options?: GetQuoteOptions): Promise<Quote>;
}

// Letters, digits and the separators exchanges use in tickers (BRK.B, 0700.HK, TSCO.LON, BF-B).
const SYMBOL = /^[A-Z0-9][A-Z0-9.-]{0,19}$/;

/** `symbol` trimmed and in upper case, or undefined when it cannot be a ticker (then no request is made). */
export function normalizeQuoteSymbol(symbol: string): string | undefined {
  const normalized = symbol.trim().toUpperCase();
  return SYMBOL.test(normalized) ? normalized : undefined;
}

// Up to 12 integer digits and 8 decimals: far beyond any share price, small enough for exact decimals.
const DECIMAL = /^(\d{1,12})(?:\.(\d{1,8}))?$/;

/**
 * A provider's price text as a canonical positive decimal string (`"189.2500"` → `"189.25"`,
 * `"0.12345"` stays, `"7"` → `"7.00"`), or undefined when it is not one.
 */
export function canonicalPrice(text: string): string | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null) return undefined;
  const whole = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '').padEnd(2, '0');
  if (/^0*$/.test(whole + fraction)) return undefined;
  return `${whole}.${fraction}`;
}

/** Whether `text` is a real calendar day written `YYYY-MM-DD`. */
export function isIsoDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}
