/**
 * The sell form and the fee field: names, HTML hints, messages and parsing, as `stock-fields.ts`
 * and `stock-rules.ts` do for the add form (whose symbol and shares rules a sale reuses). A sale
 * names its lots by id in `pick_<id>` fields when the visitor picks them; otherwise the ledger
 * matches it first in, first out (`sales.ts`).
 * @module
 */
import { formatQuantity, toCanonicalString, type Decimal } from './decimal.js';
import { checkFee, FEE_RULE, storedFee, type Pick } from './ledger.js';
import type { SaleFields } from './ledger-changes.js';
import { PRICE_RULE, SHARES_RULE } from './portfolio.js';
import {
  EARLIEST_TRADE_DATE,
  sharesMessages,
  symbolMessages,
  type AmountMessages,
  type DateMessages,
  type PurchaseDateBounds,
} from './stock-fields.js';
import { parseAmount, parseSymbol, parseTradeDate, readText, type Parsed } from './stock-rules.js';

/** The sell form's field names: the add form's, with `sale_` for `purchase_`, and the fee. */
export const SALE_FIELD_NAMES = [
  'stock_symbol',
  'number_of_shares',
  'sale_price',
  'sale_date',
  'fee',
] as const;
export type SaleFieldName = (typeof SALE_FIELD_NAMES)[number];

/** The fee field's name, on the add form and the sell form. */
export const FEE_FIELD = 'fee';

/** The prefix of a picked lot's field: `pick_7` holds the shares sold from lot 7. */
export const PICK_PREFIX = 'pick_';

/** Messages of the fee field. */
export const feeMessages: AmountMessages = Object.freeze({
  required: 'Enter the fee in dollars, or leave it empty for none.',
  invalid: 'Enter the fee in digits, with an optional $ (for example 4.95), or leave it empty for none.',
  'plus-sign': "Enter the fee without a '+' sign.",
  separators: "Use '.' for decimals and ',' only between groups of three digits (for example $1,234.50).",
  'not-positive': 'Enter a fee of 0 or more, or leave it empty for none.',
  'too-many-decimals': `Use at most ${FEE_RULE.maxFractionDigits} decimal places.`,
  'too-large': `Enter a fee of at most $${formatQuantity(FEE_RULE.max)}.`,
});

/** Messages of the sale price field. */
export const salePriceMessages: AmountMessages = Object.freeze({
  required: 'Enter the sale price per share (for example 310.50).',
  invalid: 'Enter the sale price in digits, with an optional $ (for example 310.50 or $1,234.50).',
  'plus-sign': "Enter the price without a '+' sign.",
  separators: "Use '.' for decimals and ',' only between groups of three digits (for example $1,234.50).",
  'not-positive': 'Enter a price greater than $0.',
  'too-many-decimals': `Use at most ${PRICE_RULE.maxFractionDigits} decimal places.`,
  'too-large': `Enter a price of at most $${formatQuantity(PRICE_RULE.max)}.`,
});

/** Messages of the sale date field (an impossible day is explained as for a purchase date). */
export const saleDateMessages: DateMessages = Object.freeze({
  invalid: 'Enter the sale date as YYYY-MM-DD (for example 2026-03-04), or leave it empty for today.',
  future: 'Enter a sale date that is not in the future.',
  tooEarly: `Enter a sale date on or after ${EARLIEST_TRADE_DATE}: earlier dates are not accepted.`,
});

/** Messages of a picked lot's field. */
export const pickMessages: AmountMessages = Object.freeze({
  ...sharesMessages,
  required: 'Enter the shares to sell from this lot, or leave it empty.',
});

/**
 * Reads the fee field: empty (or absent) and zero mean no fee (`undefined`); otherwise a fee of
 * at most {@link FEE_RULE}'s decimals and size, `$` and thousands separators allowed.
 */
export function parseFee(raw: unknown): Parsed<string | undefined> {
  if (raw === undefined || (typeof raw === 'string' && raw.length <= 64 && raw.trim() === '')) {
    return { ok: true, value: undefined };
  }
  return readText(raw, feeMessages, (text): Parsed<string | undefined> => {
    const zero = /^\$?\s*0*(?:\.0*)?$/.test(text) && /[0-9]/.test(text);
    if (zero) return { ok: true, value: undefined };
    const parsed = parseAmount(text, { ...FEE_RULE }, feeMessages, true);
    if (!parsed.ok) return parsed;
    return checkFee(parsed.value) === undefined
      ? { ok: true, value: storedFee(parsed.value) }
      : { ok: false, message: feeMessages.invalid };
  });
}

function parseSaleDate(raw: unknown, bounds: PurchaseDateBounds): Parsed<string> {
  if (raw === undefined || (typeof raw === 'string' && raw.length <= 64 && raw.trim() === '')) {
    return { ok: true, value: bounds.today };
  }
  return readText(raw, { required: saleDateMessages.invalid, invalid: saleDateMessages.invalid }, (text) =>
    parseTradeDate(text, bounds, saleDateMessages),
  );
}

/** The outcome of {@link parseSaleForm}. */
export type SaleFormResult =
  | { readonly ok: true; readonly sale: SaleFields }
  | {
      readonly ok: false;
      /** One message per invalid field (`pick_<id>` for a picked lot's field). */
      readonly errors: Readonly<Record<string, string>>;
      /** What was entered, to fill the form in again. */
      readonly values: Readonly<Record<string, string>>;
    };

const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * Validates a posted sell form. Picks are the non-empty `pick_<id>` fields (lot ids as
 * `parseRecordId` reads them); none means first in, first out. Whether the lots can give the
 * shares is the ledger's to say (`recordSale`).
 */
export function parseSaleForm(
  input: Readonly<Record<string, unknown>>,
  bounds: PurchaseDateBounds,
): SaleFormResult {
  const get = (name: string) => (Object.hasOwn(input, name) ? input[name] : undefined);
  const errors: Record<string, string> = {};
  const take = <T>(name: string, parsed: Parsed<T>): T | undefined => {
    if (parsed.ok) return parsed.value;
    errors[name] = parsed.message;
    return undefined;
  };
  const symbol = take('stock_symbol', readText(get('stock_symbol'), symbolMessages, parseSymbol));
  const shares = take(
    'number_of_shares',
    readText(get('number_of_shares'), sharesMessages, (t) =>
      parseAmount(t, SHARES_RULE, sharesMessages, false),
    ),
  );
  const price = take(
    'sale_price',
    readText(get('sale_price'), salePriceMessages, (t) =>
      parseAmount(t, PRICE_RULE, salePriceMessages, true),
    ),
  );
  const date = take('sale_date', parseSaleDate(get('sale_date'), bounds));
  const fee = take(FEE_FIELD, parseFee(get(FEE_FIELD)));
  const picks: Pick[] = [];
  const values: Record<string, string> = {};
  for (const name of SALE_FIELD_NAMES) values[name] = textOf(get(name));
  for (const [name, raw] of Object.entries(input)) {
    if (!name.startsWith(PICK_PREFIX)) continue;
    const idText = name.slice(PICK_PREFIX.length);
    if (!/^[1-9][0-9]{0,15}$/.test(idText) || !Number.isSafeInteger(Number(idText))) continue;
    values[name] = textOf(raw);
    if (typeof raw === 'string' && raw.trim() === '' && raw.length <= 64) continue;
    const parsed = readText(raw, pickMessages, (t) => parseAmount(t, SHARES_RULE, pickMessages, false));
    const value: Decimal | undefined = take(name, parsed);
    if (value !== undefined) picks.push({ lotId: Number(idText), shares: toCanonicalString(value) });
  }
  if (
    Object.keys(errors).length > 0 ||
    symbol === undefined ||
    shares === undefined ||
    price === undefined ||
    date === undefined
  ) {
    return { ok: false, errors, values };
  }
  picks.sort((a, b) => a.lotId - b.lotId);
  return {
    ok: true,
    sale: {
      symbol,
      shares: toCanonicalString(shares),
      price: toCanonicalString(price),
      date,
      ...(fee === undefined ? {} : { fee }),
      ...(picks.length === 0 ? {} : { picks }),
    },
  };
}

/** For the fee's HTML `pattern`: like the price's, zero allowed. */
export const feeHints = Object.freeze({
  label: 'Fee ($, optional)',
  pattern: '\\s*\\$?\\s*(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\\.[0-9]+)?|\\.[0-9]+)?\\s*',
  title: feeMessages.invalid,
  placeholder: '0.00',
});
