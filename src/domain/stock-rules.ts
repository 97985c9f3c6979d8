/**
 * The add-stock form's rules: the checks that turn the submitted strings into a
 * {@link Holding}, one specific message for each way an entry can be wrong (`stock-fields.ts`).
 * Decisions on signs and precision are described there.
 * @module
 */
import { dateProblem, isIsoDate } from './dates.js';
import { parseDecimal, toCanonicalString, type Decimal } from './decimal.js';
import {
  checkAmount,
  checkSymbol,
  normalizeSymbol,
  PRICE_RULE,
  SHARES_RULE,
  type AmountRule,
  type Holding,
} from './portfolio.js';
import {
  dateMessages,
  EARLIEST_TRADE_DATE,
  FIELD_NAMES,
  impossibleDateMessage,
  inputMessages,
  MAX_INPUT_LENGTH,
  priceMessages,
  sharesMessages,
  symbolMessages,
  UNSIGNED_NUMBER,
  type AmountMessages,
  type DateMessages,
  type FieldName,
  type PurchaseDateBounds,
} from './stock-fields.js';

/** One field's outcome: its value, or the one message to show beside it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const fail = (message: string): Parsed<never> => ({ ok: false, message });

// Cc (NUL, CR, DEL, C1) and Cf (zero-width and bidi marks): invisible, and never part of a ticker or number.
const CONTROL = /[\p{Cc}\p{Cf}]/u;

/** The checks every field shares, before any field-specific parsing. */
export function readText<T>(
  value: unknown,
  messages: { required: string; invalid: string },
  parse: (text: string) => Parsed<T>,
): Parsed<T> {
  if (value === undefined) return fail(messages.required);
  if (Array.isArray(value)) return fail(inputMessages.repeated);
  // A File (a multipart upload under this name) or anything else a body parser may produce.
  if (typeof value !== 'string') return fail(messages.invalid);
  if (value.length > MAX_INPUT_LENGTH) return fail(inputMessages.tooLong);
  const text = value.trim();
  if (text === '') return fail(messages.required);
  if (CONTROL.test(text)) return fail(inputMessages.control);
  return parse(text);
}

/** A stock symbol as typed: upper-cased, checked by the portfolio's rules, with the form's messages. */
export function parseSymbol(text: string): Parsed<string> {
  const symbol = normalizeSymbol(text);
  switch (checkSymbol(symbol)) {
    case undefined:
      return { ok: true, value: symbol };
    case 'no-letter':
      return fail(symbolMessages['no-letter']);
    case 'empty':
    case 'too-long':
    case 'invalid-characters':
      return fail(symbolMessages.invalid);
  }
}

// Sign, optional `$`, sign again (so `-$5` and `$-5` both read as negative), then the number.
const AMOUNT_PARTS = /^([+-]?)(\$?)\s*([+-]?)(.*)$/s;
const NUMBER = new RegExp(`^${UNSIGNED_NUMBER}$`);
// Digits, commas and points only, with a comma somewhere: a number with misplaced separators.
const SEPARATOR_TYPO = /^(?=.*,)[0-9.,]+$/;

/** Parses a trimmed amount; `allowDollar` permits one leading `$` (prices). */
export function parseAmount(
  text: string,
  rule: AmountRule,
  messages: AmountMessages,
  allowDollar: boolean,
): Parsed<Decimal> {
  const [, signBefore = '', dollarSign = '', signAfter = '', digits = ''] = AMOUNT_PARTS.exec(text) ?? [];
  const sign = signBefore + signAfter;
  if ((dollarSign !== '' && !allowDollar) || sign.length > 1) return fail(messages.invalid);
  if (!NUMBER.test(digits)) {
    return fail(SEPARATOR_TYPO.test(digits) ? messages.separators : messages.invalid);
  }
  // Sign messages come after the grammar check, so `-abc` is "invalid", not "greater than 0".
  if (sign === '-') return fail(messages['not-positive']);
  if (sign === '+') return fail(messages['plus-sign']);
  const value = parseDecimal(digits.replaceAll(',', '').replace(/^\./, '0.'));
  // Unreachable while NUMBER is a subset of parseDecimal's grammar; a guard, not a silent cast.
  if (value === undefined) return fail(messages.invalid);
  const problem = checkAmount(value, rule);
  return problem === undefined ? { ok: true, value } : fail(messages[problem]);
}

/**
 * A trimmed purchase or sale date: a real day (else what is wrong with it, in words), from
 * {@link EARLIEST_TRADE_DATE} (or a later `bounds.earliest`), not after `bounds.latest`.
 */
export function parseTradeDate(
  text: string,
  bounds: PurchaseDateBounds,
  messages: DateMessages = dateMessages,
): Parsed<string> {
  const problem = dateProblem(text);
  if (problem !== undefined) {
    return fail(problem.kind === 'format' ? messages.invalid : impossibleDateMessage(text, problem));
  }
  // ISO dates of four-digit years compare as text in calendar order. isIsoDate is what stored
  // dates must pass, so a floor set lower still never lets in a date the ledger would drop.
  const earliest =
    bounds.earliest !== undefined && bounds.earliest > EARLIEST_TRADE_DATE
      ? bounds.earliest
      : EARLIEST_TRADE_DATE;
  if (text < earliest || !isIsoDate(text)) return fail(messages.tooEarly);
  return text > bounds.latest ? fail(messages.future) : { ok: true, value: text };
}

const parseDate = (text: string, bounds: PurchaseDateBounds) => parseTradeDate(text, bounds);

const DATE_TEXT_MESSAGES = Object.freeze({ required: dateMessages.invalid, invalid: dateMessages.invalid });

/** The optional date: missing or blank means `bounds.today`; anything else must be a valid date. */
function readDate(value: unknown, bounds: PurchaseDateBounds): Parsed<string> {
  const blank =
    value === undefined ||
    (typeof value === 'string' && value.length <= MAX_INPUT_LENGTH && value.trim() === '');
  if (blank) return { ok: true, value: bounds.today };
  return readText(value, DATE_TEXT_MESSAGES, (text) => parseDate(text, bounds));
}

const parseShares = (text: string) => parseAmount(text, SHARES_RULE, sharesMessages, false);
const parsePrice = (text: string) => parseAmount(text, PRICE_RULE, priceMessages, true);

/** The outcome of {@link parseStockForm}. */
export type StockFormResult =
  | { ok: true; holding: Holding }
  | {
      ok: false;
      /** One message per invalid field. */
      errors: Partial<Record<FieldName, string>>;
      /** What was entered, to fill the form in again; `''` for a missing, repeated or non-text value. */
      values: Record<FieldName, string>;
    };

/**
 * Validates a submitted add-stock or edit form, e.g. the result of Hono's `c.req.parseBody({ all: true })`.
 * @example
 * ```ts
 * parseStockForm(
 *   { stock_symbol: ' aapl', number_of_shares: '15', purchase_price: '$302.17' },
 *   { today: '2026-12-01', latest: '2026-12-01' },
 * );
 * // { ok: true, holding: { symbol: 'AAPL', shares: '15', price: '302.17', date: '2026-12-01' } }
 * ```
 */
export function parseStockForm(input: Record<string, unknown>, bounds: PurchaseDateBounds): StockFormResult {
  // Plain functions built once at load, not a schema per call: an import checks every row of a
  // file with these, and a zod schema built per row cost ~80 µs a row (issue 16).
  const value = (name: FieldName) => (Object.hasOwn(input, name) ? input[name] : undefined);
  const symbol = readText(value('stock_symbol'), symbolMessages, parseSymbol);
  const shares = readText(value('number_of_shares'), sharesMessages, parseShares);
  const price = readText(value('purchase_price'), priceMessages, parsePrice);
  const date = readDate(value('purchase_date'), bounds);
  if (symbol.ok && shares.ok && price.ok && date.ok) {
    return {
      ok: true,
      holding: {
        symbol: symbol.value,
        shares: toCanonicalString(shares.value),
        price: toCanonicalString(price.value),
        date: date.value,
      },
    };
  }
  const errors: Partial<Record<FieldName, string>> = {};
  if (!symbol.ok) errors.stock_symbol = symbol.message;
  if (!shares.ok) errors.number_of_shares = shares.message;
  if (!price.ok) errors.purchase_price = price.message;
  if (!date.ok) errors.purchase_date = date.message;
  const raw = (name: FieldName) => {
    const entered = value(name);
    return typeof entered === 'string' ? entered : '';
  };
  const values = Object.fromEntries(FIELD_NAMES.map((name) => [name, raw(name)])) as Record<
    FieldName,
    string
  >;
  return { ok: false, errors, values };
}
