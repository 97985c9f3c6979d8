/**
 * Current prices with where they came from and when: one per symbol, typed by the visitor
 * (`manual`) or fetched from a quote service (`alpha-vantage`), each with its "as of" date.
 *
 * Session form, `prices: { SYMBOL: entry }`, where an entry is either today's plain string
 * (`"123.45"`: a manual price of unknown date, still read as such) or `[price, asOf|null,
 * source]`, e.g. `["123.45", "2026-12-07", "manual"]`. A Flask view reads it as
 * `p = prices[sym]; price = p if isinstance(p, str) else p[0]`.
 *
 * A price goes with its last holding: {@link keepHeldPrices} drops the price of every symbol that
 * has no lot left, and says which, so the page can tell the visitor.
 * @module
 */
import { isIsoDate } from './dates.js';
import { checkSymbol, normalizeSymbol, PRICE_RULE, readAmount } from './portfolio.js';
import type { Ledger } from './ledger.js';

/** Where a current price came from. */
export const PRICE_SOURCES = ['manual', 'alpha-vantage'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** A current price. */
export interface CurrentPrice {
  /** Canonical decimal string, per share. */
  readonly price: string;
  readonly source: PriceSource;
  /** `YYYY-MM-DD` the price is of; absent for prices saved before dates were recorded. */
  readonly asOf?: string;
}

/** Current price per symbol. */
export type PriceBook = ReadonlyMap<string, CurrentPrice>;

/** One price as stored. */
export type EncodedPrice = string | [price: string, asOf: string | null, source: PriceSource];

/** How the price book is stored in the session's `prices`. */
export type EncodedPriceBook = Record<string, EncodedPrice>;

const isSource = (value: unknown): value is PriceSource =>
  (PRICE_SOURCES as readonly unknown[]).includes(value);

function decodeEntry(raw: unknown): CurrentPrice | undefined {
  if (!Array.isArray(raw)) {
    const price = readAmount(raw, PRICE_RULE);
    return price === undefined ? undefined : { price, source: 'manual' };
  }
  const [rawPrice, asOf, source] = raw as unknown[];
  const price = readAmount(rawPrice, PRICE_RULE);
  // An unknown source is not guessed: showing a typed price as a quote (or back) would mislead.
  if (price === undefined || !isSource(source)) return undefined;
  // A date we cannot read costs the date, not the price.
  return typeof asOf === 'string' && isIsoDate(asOf) ? { price, source, asOf } : { price, source };
}

/**
 * Reads the session's `prices`; tolerant like `decodePrices`: anything that is not a dict is no
 * prices; entries that break the symbol or price rules, or name an unknown source, are dropped.
 */
export function decodePriceBook(raw: unknown): PriceBook {
  const book = new Map<string, CurrentPrice>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return book;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const symbol = normalizeSymbol(key);
    const entry = decodeEntry(value);
    if (checkSymbol(symbol) === undefined && entry !== undefined) book.set(symbol, entry);
  }
  return book;
}

/** The session form of one price. */
export function encodePrice({ price, source, asOf }: CurrentPrice): EncodedPrice {
  return [price, asOf ?? null, source];
}

/** The session form of `book`; `undefined` when empty (delete the key). */
export function encodePriceBook(book: PriceBook): EncodedPriceBook | undefined {
  if (book.size === 0) return undefined;
  return Object.fromEntries([...book].map(([symbol, entry]) => [symbol, encodePrice(entry)]));
}

/**
 * The prices of symbols that still have a lot in `ledger`, and the symbols whose price went. Call
 * it in every change that removes or edits a lot, and say what `dropped` names.
 * @example after editing the only AAPL lot to GOOG: `{ book: (no AAPL), dropped: ['AAPL'] }`
 */
export function keepHeldPrices(book: PriceBook, ledger: Ledger): { book: PriceBook; dropped: string[] } {
  const held = new Set(ledger.lots.map((lot) => lot.symbol));
  const kept = new Map<string, CurrentPrice>();
  const dropped: string[] = [];
  for (const [symbol, entry] of book) {
    if (held.has(symbol)) kept.set(symbol, entry);
    else dropped.push(symbol);
  }
  return { book: dropped.length === 0 ? book : kept, dropped };
}
