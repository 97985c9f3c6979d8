/**
 * The add-stock form's rules: the zod schema that turns the submitted strings into a
 * {@link Holding}, one specific message for each way an entry can be wrong (`stock-fields.ts`).
 * Decisions on signs and precision are described there.
 * @module
 */
import { z } from 'zod';

import { isIsoDate } from './dates.js';
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
  FIELD_NAMES,
  inputMessages,
  MAX_INPUT_LENGTH,
  priceMessages,
  sharesMessages,
  symbolMessages,
  UNSIGNED_NUMBER,
  type AmountMessages,
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

/** A zod field that runs `parse` and reports its one message as the field's issue. */
function field<T>(messages: { required: string; invalid: string }, parse: (text: string) => Parsed<T>) {
  return z.unknown().transform((value, context) => {
    const parsed = readText(value, messages, parse);
    if (parsed.ok) return parsed.value;
    context.issues.push({ code: 'custom', message: parsed.message, input: value });
    return z.NEVER;
  });
}

/** A trimmed date: a real day, not after `latest`. */
function parseDate(text: string, bounds: PurchaseDateBounds): Parsed<string> {
  if (!isIsoDate(text)) return fail(dateMessages.invalid);
  // ISO dates of four-digit years compare as text in calendar order.
  return text > bounds.latest ? fail(dateMessages.future) : { ok: true, value: text };
}

/** The optional date: missing or blank means `bounds.today`; anything else must be a valid date. */
function dateField(bounds: PurchaseDateBounds) {
  const blank = (value: unknown) =>
    value === undefined ||
    (typeof value === 'string' && value.length <= MAX_INPUT_LENGTH && value.trim() === '');
  return z.preprocess(
    (value) => (blank(value) ? bounds.today : value),
    field({ required: dateMessages.invalid, invalid: dateMessages.invalid }, (text) =>
      parseDate(text, bounds),
    ),
  );
}

/**
 * The add-stock (and edit) form as a zod schema: raw form values in, a canonical {@link Holding}
 * out. Each field reports at most one issue, whose message is one of the exported message objects.
 * Unknown keys (a CSRF token, say) are ignored.
 */
export function stockFormSchema(bounds: PurchaseDateBounds) {
  return z
    .object({
      stock_symbol: field(symbolMessages, parseSymbol),
      number_of_shares: field(sharesMessages, (text) =>
        parseAmount(text, SHARES_RULE, sharesMessages, false),
      ),
      purchase_price: field(priceMessages, (text) => parseAmount(text, PRICE_RULE, priceMessages, true)),
      purchase_date: dateField(bounds),
    })
    .transform((form): Holding => ({
      symbol: form.stock_symbol,
      shares: toCanonicalString(form.number_of_shares),
      price: toCanonicalString(form.purchase_price),
      date: form.purchase_date,
    }));
}

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

function isFieldName(key: unknown): key is FieldName {
  return (FIELD_NAMES as readonly unknown[]).includes(key);
}

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
  const result = stockFormSchema(bounds).safeParse(input);
  if (result.success) return { ok: true, holding: result.data };
  const errors: Partial<Record<FieldName, string>> = {};
  for (const issue of result.error.issues) {
    const [key] = issue.path;
    if (isFieldName(key)) errors[key] ??= issue.message;
  }
  const raw = (name: FieldName) => {
    const value = Object.hasOwn(input, name) ? input[name] : undefined;
    return typeof value === 'string' ? value : '';
  };
  const values = Object.fromEntries(FIELD_NAMES.map((name) => [name, raw(name)])) as Record<
    FieldName,
    string
  >;
  return { ok: false, errors, values };
}
