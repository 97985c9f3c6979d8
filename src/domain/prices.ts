/**
 * Current prices the visitor typed in, one per symbol. There is no quote service: a price is
 * the visitor's own figure, kept in the session as `prices: { SYMBOL: "123.45" }` (a dict, so one
 * symbol has one price, and Flask reads it as one).
 * @module
 */
import { checkSymbol, normalizeSymbol, PRICE_RULE, readAmount } from './portfolio.js';

/** Current price per symbol, each a canonical decimal string. */
export type Prices = ReadonlyMap<string, string>;

/** How prices are stored in the session. */
export type EncodedPrices = Record<string, string>;

/**
 * Reads the prices from session data; tolerant like `decodePortfolio`: anything that is not a
 * dict is no prices, and entries that break the symbol or price rules are dropped.
 */
export function decodePrices(raw: unknown): Prices {
  const prices = new Map<string, string>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return prices;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const symbol = normalizeSymbol(key);
    const price = readAmount(value, PRICE_RULE);
    if (checkSymbol(symbol) === undefined && price !== undefined) prices.set(symbol, price);
  }
  return prices;
}

/**
 * The session form of `prices`, keeping only the symbols in `held`: a price outlives neither the
 * last lot of its symbol nor a cleared portfolio, so the cookie never carries prices nobody sees.
 */
export function encodePrices(prices: Prices, held: ReadonlySet<string>): EncodedPrices {
  return Object.fromEntries([...prices].filter(([symbol]) => held.has(symbol)));
}
