/**
 * The portfolio domain: what a holding is, the rules every stored holding obeys, the compact form it
 * takes in the session cookie, and the cost summary the page shows.
 *
 * The rules live here, not in the form, because two readers apply them: the add-stock form (which
 * turns each problem into a friendly message) and {@link decodePortfolio} (which quietly drops
 * entries that break them).
 * @module
 */

import {
  compare,
  decimal,
  formatMoney,
  formatPrice,
  formatQuantity,
  multiply,
  normalize,
  parseDecimal,
  roundHalfUp,
  sum,
  toCanonicalString,
  type Decimal,
} from './decimal.js';
import { isIsoDate } from './dates.js';

/**
 * One purchase: a symbol and two exact amounts, each kept as its canonical decimal string
 * (see {@link toCanonicalString}) so it round-trips through JSON and Flask without a float in sight.
 * @example `{ symbol: 'AAPL', shares: '15', price: '302.17' }`
 */
export interface Holding {
  /** Upper-case ticker, e.g. `AAPL`, `BRK.B`, `BF-B`, or an exchange's digit code, e.g. `0700`. */
  readonly symbol: string;
  /** Number of shares, e.g. `15`, `0.5`, `1000.1234`. */
  readonly shares: string;
  /** Purchase price per share in dollars, e.g. `302.17`. */
  readonly price: string;
  /**
   * Purchase date, `YYYY-MM-DD`; absent for holdings saved before dates were recorded (shown as a
   * dash, exported as an empty cell), never invented for them.
   */
  readonly date?: string;
}

/**
 * How a holding is stored in the session: `[symbol, shares, price]`, or `[symbol, shares, price,
 * date]` when it has a purchase date. An array of these is about half the size of the same data as
 * objects with keys, and still reads plainly in a decoded cookie or from a Flask view
 * (`symbol, shares, price = entry[:3]`). Cookies written before dates existed hold triples only,
 * and still load: the date is an optional fourth element, not a new layout.
 */
export type EncodedHolding =
  | [symbol: string, shares: string, price: string]
  | [symbol: string, shares: string, price: string, date: string];

/** Longest accepted symbol. Real tickers are at most 5–6 characters; 10 leaves room for suffixes. */
export const SYMBOL_MAX_LENGTH = 10;

/** Upper bounds and precision for one amount (shares or price). */
export interface AmountRule {
  /** Largest accepted value, inclusive. */
  readonly max: Decimal;
  /** Most significant fraction digits accepted (trailing zeros do not count). */
  readonly maxFractionDigits: number;
}

/** Shares: positive, at most 1,000,000,000, at most 4 decimals (fractional shares exist; 4 covers brokers). */
export const SHARES_RULE: AmountRule = Object.freeze({
  max: decimal(1_000_000_000n, 0),
  maxFractionDigits: 4,
});

/** Price per share: positive, at most $1,000,000, at most 4 decimals (sub-penny prices exist). */
export const PRICE_RULE: AmountRule = Object.freeze({ max: decimal(1_000_000n, 0), maxFractionDigits: 4 });

/** Why a symbol is not acceptable; the form maps each to a message. */
export type SymbolProblem = 'empty' | 'too-long' | 'invalid-characters' | 'no-letter';

/** Why an amount is not acceptable; the form maps each to a message. */
export type AmountProblem = 'not-positive' | 'too-many-decimals' | 'too-large';

/**
 * Trims and upper-cases ASCII letters only. `String.prototype.toUpperCase` would turn `ß` into `SS`
 * and `ſ` into `S`, making an invalid symbol valid; here non-ASCII stays as typed and is rejected.
 */
export function normalizeSymbol(text: string): string {
  return text.trim().replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/**
 * A symbol of digits only: the codes of Hong Kong (`0700`, `09988`), Tokyo (`7203`), Taiwan
 * (`2330`), Shanghai, Shenzhen and Seoul (`600519`, `005930`). Four to six digits, leading zeros
 * kept (`0700` and `700` are not the same text); shorter digit strings are far more likely a
 * number typed into the wrong field, or a code whose zeros a spreadsheet dropped.
 */
export const DIGIT_CODE = /^[0-9]{4,6}$/;

/**
 * Checks an already {@link normalizeSymbol normalized} symbol; `undefined` means it is valid.
 * `no-letter`: neither a letter nor a {@link DIGIT_CODE} (`123`, `1.5`, `.`, `-`).
 */
export function checkSymbol(symbol: string): SymbolProblem | undefined {
  if (symbol === '') return 'empty';
  if (symbol.length > SYMBOL_MAX_LENGTH) return 'too-long';
  // Letters, digits, '.' and '-' only: no markup, quotes, spaces or formula characters but '-',
  // which the CSV writer guards (csv.ts), as it did before digit codes.
  if (!/^[A-Z0-9.-]+$/.test(symbol)) return 'invalid-characters';
  // Without a letter, `123` or `.` would pass; only a digit code lists that way.
  if (!/[A-Z]/.test(symbol) && !DIGIT_CODE.test(symbol)) return 'no-letter';
  return undefined;
}

/** Checks an amount against its rule; `undefined` means it is valid. */
export function checkAmount(value: Decimal, rule: AmountRule): AmountProblem | undefined {
  if (compare(value, decimal(0n, 0)) <= 0) return 'not-positive';
  if (normalize(value).scale > rule.maxFractionDigits) return 'too-many-decimals';
  if (compare(value, rule.max) > 0) return 'too-large';
  return undefined;
}

/** Reads a stored amount: a plain decimal string, or a finite JSON number as an older writer may have used. */
export function readAmount(raw: unknown, rule: AmountRule): string | undefined {
  // String(302.17) is '302.17': the shortest text that round-trips, i.e. what the writer meant.
  // Exponent forms (1e21, 1e-7) fail parseDecimal, and are out of range anyway.
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  const value = text === undefined ? undefined : parseDecimal(text);
  if (value === undefined || checkAmount(value, rule) !== undefined) return undefined;
  return toCanonicalString(value);
}

/** The stored fields of one entry (symbol, shares, price, date), in any layout we may find. */
function entryFields(entry: unknown): readonly unknown[] | undefined {
  if (Array.isArray(entry)) return entry.length === 3 || entry.length === 4 ? entry : undefined;
  // The layout of the Flask tutorial app this one replaces: a dict per holding keyed by form field.
  if (typeof entry === 'object' && entry !== null) {
    const fields = entry as Record<string, unknown>;
    return [
      fields['stock_symbol'],
      fields['number_of_shares'],
      fields['purchase_price'],
      fields['purchase_date'],
    ];
  }
  return undefined;
}

function decodeHolding(entry: unknown): Holding | undefined {
  const [rawSymbol, rawShares, rawPrice, rawDate] = entryFields(entry) ?? [];
  if (typeof rawSymbol !== 'string') return undefined;
  const symbol = normalizeSymbol(rawSymbol);
  const shares = readAmount(rawShares, SHARES_RULE);
  const price = readAmount(rawPrice, PRICE_RULE);
  if (checkSymbol(symbol) !== undefined || shares === undefined || price === undefined) return undefined;
  // A date we cannot read costs the date, not the holding: the purchase itself is still valid.
  return typeof rawDate === 'string' && isIsoDate(rawDate)
    ? { symbol, shares, price, date: rawDate }
    : { symbol, shares, price };
}

/**
 * Reads the portfolio from session data. Tolerant, and never throws: the cookie is signed, so this
 * is our own data, but possibly written by an older version. Anything that is not an array gives an
 * empty portfolio; entries that break the current rules are dropped; amounts are re-canonicalized.
 *
 * Accepted entries: `[symbol, shares, price]` or `[symbol, shares, price, date]` (what
 * {@link encodePortfolio} writes), or `{ stock_symbol, number_of_shares, purchase_price,
 * purchase_date? }`; amounts as strings or JSON numbers; a date that is not `YYYY-MM-DD` is dropped.
 * @example `decodePortfolio([['AAPL', '15', '302.170']])` → `[{ symbol: 'AAPL', shares: '15', price: '302.17' }]`
 */
export function decodePortfolio(raw: unknown): readonly Holding[] {
  if (!Array.isArray(raw)) return [];
  const holdings: Holding[] = [];
  for (const entry of raw as unknown[]) {
    const holding = decodeHolding(entry);
    if (holding !== undefined) holdings.push(holding);
  }
  return holdings;
}

/**
 * The session form of a portfolio: one `[symbol, shares, price]` triple per holding, with the date
 * as a fourth element when there is one.
 * @example `encodePortfolio([{ symbol: 'AAPL', shares: '15', price: '302.17' }])` → `[['AAPL', '15', '302.17']]`
 */
export function encodePortfolio(holdings: readonly Holding[]): EncodedHolding[] {
  return holdings.map(({ symbol, shares, price, date }) =>
    date === undefined ? [symbol, shares, price] : [symbol, shares, price, date],
  );
}

/** Whether two holdings are the same purchase: every stored field equal. */
export function sameHolding(a: Holding, b: Holding): boolean {
  return a.symbol === b.symbol && a.shares === b.shares && a.price === b.price && a.date === b.date;
}

/** One row of the portfolio table, ready to display. */
export interface HoldingSummary {
  /** The stored holding. */
  readonly holding: Holding;
  /** Shares for display, e.g. `1,000.5`. */
  readonly shares: string;
  /** Price for display, never rounded, e.g. `$302.17` or `$0.1234`. */
  readonly price: string;
  /** Cost basis (shares × price) rounded half-up to cents, e.g. `$4,532.55`. */
  readonly cost: string;
  /** The same cost basis as a whole number of cents. */
  readonly costCents: bigint;
  /** The exact, unrounded cost basis. */
  readonly exactCost: Decimal;
}

/** The portfolio table and its total. */
export interface PortfolioSummary {
  /** One row per holding, in portfolio order. */
  readonly rows: readonly HoldingSummary[];
  /** Total cost basis for display, e.g. `$12,345.67`. */
  readonly total: string;
  /** The same total as a whole number of cents. */
  readonly totalCents: bigint;
}

/** Parses a field of a {@link Holding}; such fields are canonical by construction, so failure is a bug. */
function storedAmount(holding: Holding, field: 'shares' | 'price'): Decimal {
  const value = parseDecimal(holding[field]);
  if (value === undefined) {
    throw new TypeError(
      `Holding ${holding.symbol} has a non-decimal ${field}: ${JSON.stringify(holding[field])}`,
    );
  }
  return value;
}

/**
 * Cost basis per holding and in total.
 *
 * The total is the exact sum of the unrounded costs, rounded to cents once, as a spreadsheet sums
 * cells it displays rounded. With fractional shares and sub-cent prices, summing the rounded rows
 * instead would drift by up to half a cent per row; the price of accuracy is that the displayed rows
 * may not add up to the displayed total by a cent or so.
 * @throws TypeError if a holding's `shares` or `price` is not a decimal string (holdings from
 *   {@link decodePortfolio} or the add-stock form always are).
 */
export function summarize(holdings: readonly Holding[]): PortfolioSummary {
  const rows = holdings.map((holding): HoldingSummary => {
    const shares = storedAmount(holding, 'shares');
    const price = storedAmount(holding, 'price');
    const exactCost = multiply(shares, price);
    return {
      holding,
      shares: formatQuantity(shares),
      price: formatPrice(price),
      cost: formatMoney(exactCost),
      costCents: roundHalfUp(exactCost, 2).units,
      exactCost,
    };
  });
  const total = sum(rows.map((row) => row.exactCost));
  return { rows, total: formatMoney(total), totalCents: roundHalfUp(total, 2).units };
}
