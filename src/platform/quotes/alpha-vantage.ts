/**
 * Alpha Vantage's `GLOBAL_QUOTE` (https://www.alphavantage.co/documentation/#latestprice), the
 * endpoint the course's final Flask app uses, over Node's global `fetch`.
 *
 * Every answer the service documents maps to a {@link Quote} or a {@link QuoteUnavailable}:
 *
 * | answer                                              | result                          |
 * | --------------------------------------------------- | ------------------------------- |
 * | `{"Global Quote": {"05. price": …}}`                | the quote                       |
 * | `{"Global Quote": {}}`                              | `unknown-symbol`                |
 * | `{"Error Message": "…"}`                            | `error` (bad key or call)       |
 * | `{"Note": "…"}` (older), `{"Information": "…rate limit…"}` | `rate-limited`           |
 * | any other `Information`, HTTP 4xx/5xx, not JSON, refused | `error`                    |
 * | no complete answer within `timeoutMs`, or aborted   | `timeout`                       |
 *
 * The API key goes in the query string, as Alpha Vantage requires; it is masked (`apikey=***`) in
 * every message this module writes, so logs never hold it.
 * @module
 */
import {
  QuoteUnavailable,
  canonicalPrice,
  isIsoDay,
  type GetQuoteOptions,
  type Quote,
  type QuoteProvider,
} from './provider.js';

/** The public endpoint; `ALPHAVANTAGE_URL` replaces it (tests, proxies, self-hosted mirrors). */
export const ALPHAVANTAGE_DEFAULT_URL = 'https://www.alphavantage.co/query';

/** Options of {@link AlphaVantageProvider}. */
export interface AlphaVantageOptions {
  readonly apiKey: string;
  /** Default {@link ALPHAVANTAGE_DEFAULT_URL}. */
  readonly url?: string;
  /**
   * Longest wait for a whole answer. Default 5000 ms: longer than a page waits (about a second),
   * because an answer arriving after the page was sent still fills the cache for the next one, and
   * the call has been counted against the daily limit either way.
   */
  readonly timeoutMs?: number;
}

// A GLOBAL_QUOTE answer is about 400 bytes; anything far larger is not the documented answer.
const MAX_ANSWER_CHARS = 64 * 1024;

/** Alpha Vantage as a {@link QuoteProvider}. */
export class AlphaVantageProvider implements QuoteProvider {
  readonly source = 'alpha-vantage' as const;
  readonly #apiKey: string;
  readonly #url: string;
  readonly #timeoutMs: number;

  constructor(options: AlphaVantageOptions) {
    this.#apiKey = options.apiKey;
    this.#url = options.url ?? ALPHAVANTAGE_DEFAULT_URL;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** @throws QuoteUnavailable; see the module's table. */
  async getQuote(symbol: string, options: GetQuoteOptions = {}): Promise<Quote> {
    const url = new URL(this.#url);
    url.searchParams.set('function', 'GLOBAL_QUOTE');
    url.searchParams.set('symbol', symbol);
    url.searchParams.set('apikey', this.#apiKey);
    const shown = this.#mask(url.href);
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
    const fail = (reason: QuoteUnavailable['reason'], why: string) =>
      new QuoteUnavailable(reason, symbol, `Alpha Vantage (${shown}): ${this.#mask(why)}`);

    let text: string;
    let status: number;
    try {
      const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
      status = response.status;
      // The body is read under the same signal: a server that sends headers and then stalls times out too.
      text = await response.text();
    } catch (error) {
      if (signal.aborted) {
        throw fail('timeout', timeout.aborted ? `no answer within ${this.#timeoutMs} ms` : 'cancelled');
      }
      throw fail('error', `no answer (${describeNetworkError(error)})`);
    }
    if (status === 429) throw fail('rate-limited', 'HTTP 429');
    if (status < 200 || status > 299) throw fail('error', `HTTP ${status}`);
    if (text.length > MAX_ANSWER_CHARS) throw fail('error', `an answer of ${text.length} characters`);
    return parseGlobalQuote(symbol, text, fail);
  }

  #mask(text: string): string {
    return maskApiKey(text, this.#apiKey);
  }
}

/**
 * Reads a GLOBAL_QUOTE answer's text exactly as documented.
 * @throws the error `fail` makes, for every answer that is not a usable quote.
 */
export function parseGlobalQuote(
  symbol: string,
  text: string,
  fail: (reason: QuoteUnavailable['reason'], why: string) => QuoteUnavailable = (reason, why) =>
    new QuoteUnavailable(reason, symbol, `Alpha Vantage: ${why}`),
): Quote {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail('error', `an answer that is not JSON (${excerpt(text)})`);
  }
  if (!isRecord(body)) throw fail('error', `an answer that is not a JSON object (${excerpt(text)})`);
  const quote = body['Global Quote'];
  if (isRecord(quote)) {
    if (Object.keys(quote).length === 0) throw fail('unknown-symbol', `no quote for ${symbol}`);
    const answeredFor = quote['01. symbol'];
    const price = quote['05. price'];
    const day = quote['07. latest trading day'];
    if (typeof answeredFor !== 'string' || answeredFor.toUpperCase() !== symbol.toUpperCase()) {
      throw fail('error', `a quote for ${excerpt(String(answeredFor))} instead of ${symbol}`);
    }
    const canonical = typeof price === 'string' ? canonicalPrice(price) : undefined;
    if (canonical === undefined)
      throw fail('error', `a price that is not a positive decimal (${excerpt(String(price))})`);
    if (typeof day !== 'string' || !isIsoDay(day)) {
      throw fail('error', `a latest trading day that is not YYYY-MM-DD (${excerpt(String(day))})`);
    }
    return { symbol: symbol.toUpperCase(), price: canonical, asOf: day, source: 'alpha-vantage' };
  }
  const error = body['Error Message'];
  if (typeof error === 'string') throw fail('error', `"${excerpt(error)}"`);
  // "Note" was the rate-limit answer until 2023; "Information" is today's, but the same key also
  // carries other notices (the demo key, premium-only endpoints), which are not a limit.
  const note = body.Note;
  if (typeof note === 'string') throw fail('rate-limited', `"${excerpt(note)}"`);
  const information = body.Information;
  if (typeof information === 'string') {
    const limited = /rate limit|call frequency|requests? per (?:day|minute)|calls? per (?:day|minute)/i;
    throw fail(limited.test(information) ? 'rate-limited' : 'error', `"${excerpt(information)}"`);
  }
  throw fail('error', `an answer without "Global Quote" (${excerpt(text)})`);
}

/** `text` with every occurrence of `apiKey` (and any `apikey=` query value) replaced by `***`. */
export function maskApiKey(text: string, apiKey: string): string {
  const masked = apiKey === '' ? text : text.split(apiKey).join('***');
  return masked.replace(/(apikey=)[^&\s"]*/gi, '$1***');
}

function describeNetworkError(error: unknown): string {
  // undici's "fetch failed" hides the useful part (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause: unknown = error instanceof Error ? error.cause : undefined;
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return code === undefined ? message : `${message}: ${code}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
}
