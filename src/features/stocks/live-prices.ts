/**
 * The prices a page shows when live quotes are on: the visitor's own prices overlaid with the
 * shared cache's quotes (fetched if due, within about a second), and one notice when some could
 * not be brought up to date. Nothing here writes to the visitor's session: quotes live in the
 * shared cache, so a GET stays a read and two tabs never race over a price nobody typed.
 *
 * The overlay rule, per held symbol: **the newer "as of" date wins**. A quote (fresh, or the last
 * known one when fetching failed) replaces the visitor's price when the visitor's price has no date
 * or an older one; on the same day the visitor's own price stays, since it was typed on purpose.
 * @module
 */
import { amountOf, type Ledger } from '../../domain/ledger.js';
import { add, subtract, ZERO, type Decimal } from '../../domain/decimal.js';
import type { CurrentPrice, PriceBook } from '../../domain/price-book.js';
import type { QuoteResult, QuoteService, StaleReason } from '../../platform/quotes/index.js';
import { normalizeQuoteSymbol } from '../../platform/quotes/index.js';

/** The effective prices of a page, and what to tell the visitor about them. */
export interface LivePrices {
  readonly book: PriceBook;
  /** One sentence or two when a held symbol has no fresh quote: why, and which prices are shown. */
  readonly notice?: string;
}

/** Why a quote is missing, as the notice says it. */
const REASON_WORDS: Readonly<Record<StaleReason, string>> = Object.freeze({
  'rate-limited': 'rate limit reached',
  // This site's share of the provider's limits is spent: to the visitor that is the same limit.
  budget: 'rate limit reached',
  timeout: 'no answer in time',
  error: 'the quote service failed',
  'cache-unavailable': 'the price cache did not answer',
  'unknown-symbol': 'unknown to the quote service',
});

/** Symbols named one by one in the notice before "and N more". */
const LISTED = 8;

/** The symbols with shares still held (bought minus sold), in the ledger's order. */
export function heldSymbols(ledger: Ledger): string[] {
  const open = new Map<string, Decimal>();
  for (const lot of ledger.lots)
    open.set(lot.symbol, add(open.get(lot.symbol) ?? ZERO, amountOf(lot.shares)));
  for (const sale of ledger.sales) {
    const left = open.get(sale.symbol);
    if (left !== undefined) open.set(sale.symbol, subtract(left, amountOf(sale.shares)));
  }
  return [...open].filter(([, shares]) => shares.units > 0n).map(([symbol]) => symbol);
}

/** The price shown for one symbol: the newer of the visitor's and the quote (see the module). */
export function newerPrice(
  manual: CurrentPrice | undefined,
  quote: CurrentPrice | undefined,
): CurrentPrice | undefined {
  if (quote === undefined) return manual;
  if (manual?.asOf === undefined) return quote;
  return quote.asOf !== undefined && quote.asOf > manual.asOf ? quote : manual;
}

/**
 * The page's prices: `manual` with the quotes of the held symbols overlaid (the newer "as of"
 * wins), and a notice when some symbol's quote is not fresh. Waits at most the service's deadline
 * (about a second); never rejects for a provider's or a cache's failure.
 */
export async function livePrices(
  quotes: Pick<QuoteService, 'quotesFor'>,
  ledger: Ledger,
  manual: PriceBook,
  options: { readonly signal?: AbortSignal } = {},
): Promise<LivePrices> {
  const held = heldSymbols(ledger);
  if (held.length === 0) return { book: manual };
  const results = await quotes.quotesFor(
    held,
    options.signal === undefined ? {} : { signal: options.signal },
  );
  const book = new Map(manual);
  const late: { symbol: string; reason: StaleReason }[] = [];
  for (const symbol of held) {
    const result: QuoteResult | undefined = results.get(normalizeQuoteSymbol(symbol) ?? symbol);
    if (result === undefined) continue;
    const quote: CurrentPrice | undefined =
      result.status === 'missing'
        ? undefined
        : { price: result.quote.price, source: result.quote.source, asOf: result.quote.asOf };
    const shown = newerPrice(manual.get(symbol), quote);
    if (shown !== undefined) book.set(symbol, shown);
    if (result.status !== 'fresh') late.push({ symbol, reason: result.reason });
  }
  const notice = late.length === 0 ? undefined : noticeFor(late, book);
  return notice === undefined ? { book } : { book, notice };
}

/**
 * "Live prices could not be fetched for AAPL, MSFT (rate limit reached); showing AAPL as of
 * 2024-05-10 (last quote), MSFT as of 2026-12-01 (your price). TSLA has no price."
 */
export function noticeFor(late: readonly { symbol: string; reason: StaleReason }[], book: PriceBook): string {
  const byReason = new Map<string, string[]>();
  for (const { symbol, reason } of late) {
    const words = REASON_WORDS[reason];
    byReason.set(words, [...(byReason.get(words) ?? []), symbol]);
  }
  const why = [...byReason].map(([words, symbols]) => `${list(symbols)} (${words})`).join('; ');
  const shown: string[] = [];
  const unpriced: string[] = [];
  for (const { symbol } of late) {
    const price = book.get(symbol);
    if (price === undefined) unpriced.push(symbol);
    else
      shown.push(
        `${symbol} ${price.asOf === undefined ? 'undated' : `as of ${price.asOf}`} (${price.source === 'manual' ? 'your price' : 'last quote'})`,
      );
  }
  const showing = shown.length === 0 ? '' : `; showing ${list(shown)}`;
  const none =
    unpriced.length === 0 ? '' : ` ${list(unpriced)} ${unpriced.length === 1 ? 'has' : 'have'} no price.`;
  return `Live prices could not be fetched for ${why}${showing}.${none}`;
}

/** The first {@link LISTED} items, then "and N more". */
function list(items: readonly string[]): string {
  if (items.length <= LISTED) return items.join(', ');
  return `${items.slice(0, LISTED).join(', ')} and ${items.length - LISTED} more`;
}
