/**
 * The add-stock form: its fields, the HTML hints the view renders, the messages a visitor sees, and
 * the zod schema that turns the submitted strings into a {@link Holding}. The view, the handler and
 * the tests all read from here, so a rule or a message changes in one place.
 *
 * The domain limits (symbol length, maximum shares and price, decimals) come from
 * `portfolio/portfolio.ts`; this module adds what only a human typist needs: trimming, `$`,
 * thousands separators, and a specific message for each way an entry can be wrong.
 *
 * Decision on signs: `-5` is answered with "greater than 0"; `+5` is rejected too, with its own
 * message, because the form records a purchase, not a change, and a sign suggests the latter.
 * Decision on precision: trailing zeros do not count as decimals (`1.50000` is `1.5`), because the
 * value is exact either way.
 * @module
 */

import { z } from 'zod';

import { isIsoDate, latestPurchaseDate, utcDate } from './dates.js';
import { formatQuantity, parseDecimal, toCanonicalString, type Decimal } from './decimal.js';
import {
  checkAmount,
  checkSymbol,
  normalizeSymbol,
  PRICE_RULE,
  SHARES_RULE,
  SYMBOL_MAX_LENGTH,
  type AmountProblem,
  type AmountRule,
  type Holding,
} from './portfolio.js';

/**
 * The form's field names, kept from the Flask version of this app so its templates and data still
 * fit; `purchase_date` is new and optional.
 */
export const FIELD_NAMES = ['stock_symbol', 'number_of_shares', 'purchase_price', 'purchase_date'] as const;

/** One of {@link FIELD_NAMES}. */
export type FieldName = (typeof FIELD_NAMES)[number];

/**
 * Longest raw value looked at, in UTF-16 code units. Longer input is refused before it is trimmed or
 * parsed, so a pasted novel costs nothing; the longest valid entry (`999,999,999.9999`) is 16.
 */
export const MAX_INPUT_LENGTH = 64;

/** Messages shared by every field. */
export const inputMessages = Object.freeze({
  tooLong: `Enter at most ${MAX_INPUT_LENGTH} characters.`,
  control: 'Remove invisible or control characters.',
  /** A field sent twice, e.g. `?stock_symbol=A&stock_symbol=B`. */
  repeated: 'Enter one value.',
});

/** Every message the symbol field can show, by cause. */
export interface SymbolMessages {
  readonly required: string;
  readonly invalid: string;
  readonly 'no-letter': string;
}

/** Every message an amount field can show, by cause; the last three are the domain's {@link AmountProblem}s. */
export type AmountMessages = Readonly<Record<'required' | 'invalid' | 'plus-sign' | 'separators', string>> &
  Readonly<Record<AmountProblem, string>>;

const separatorsMessage = (example: string) =>
  `Use '.' for decimals and ',' only between groups of three digits (for example ${example}).`;
const decimalsMessage = (rule: AmountRule) => `Use at most ${rule.maxFractionDigits} decimal places.`;

/** Messages for the symbol field. */
export const symbolMessages: SymbolMessages = Object.freeze({
  required: 'Enter a stock symbol (for example AAPL).',
  invalid: `Enter a stock symbol of 1–${SYMBOL_MAX_LENGTH} letters, digits, '.' or '-' (for example AAPL or BRK.B).`,
  'no-letter': 'Enter a stock symbol that contains at least one letter (for example AAPL).',
});

/** Messages for the number-of-shares field; limits are written from {@link SHARES_RULE}. */
export const sharesMessages: AmountMessages = Object.freeze({
  required: 'Enter the number of shares (for example 15 or 2.5).',
  invalid: 'Enter the number of shares in digits, with an optional decimal point (for example 15 or 2.5).',
  'plus-sign': "Enter the number of shares without a '+' sign.",
  separators: separatorsMessage('1,234.5'),
  'not-positive': 'Enter a number of shares greater than 0.',
  'too-many-decimals': decimalsMessage(SHARES_RULE),
  'too-large': `Enter a number of shares of at most ${formatQuantity(SHARES_RULE.max)}.`,
});

/** Messages for the purchase-price field; limits are written from {@link PRICE_RULE}. */
export const priceMessages: AmountMessages = Object.freeze({
  required: 'Enter the purchase price per share (for example 302.17).',
  invalid: 'Enter the price in digits, with an optional $ (for example 302.17 or $1,234.50).',
  'plus-sign': "Enter the price without a '+' sign.",
  separators: separatorsMessage('$1,234.50'),
  'not-positive': 'Enter a price greater than $0.',
  'too-many-decimals': decimalsMessage(PRICE_RULE),
  'too-large': `Enter a price of at most $${formatQuantity(PRICE_RULE.max)}.`,
});

/** Messages for the purchase-date field. */
export const dateMessages = Object.freeze({
  invalid: 'Enter the purchase date as YYYY-MM-DD (for example 2026-03-04), or leave it empty for today.',
  future: 'Enter a purchase date that is not in the future.',
});

/**
 * What "today" means to the date rule, from the app's clock (see `portfolio/dates.ts`): the date an
 * empty field stands for, and the latest date that is not in the future.
 */
export interface PurchaseDateBounds {
  /** `YYYY-MM-DD` an empty field becomes. */
  readonly today: string;
  /** The latest `YYYY-MM-DD` accepted. */
  readonly latest: string;
}

/** The date bounds at `epochMs` on the app's clock. */
export function purchaseDateBounds(epochMs: number): PurchaseDateBounds {
  return { today: utcDate(epochMs), latest: latestPurchaseDate(epochMs) };
}

// The number grammar, shared by the server and the HTML `pattern` so the two cannot disagree.
// A grouped integer must not start with 0: `0,500` is far more likely a European 0.5 than 500.
const INTEGER = '(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)';
const UNSIGNED_NUMBER = `(?:${INTEGER}(?:\\.[0-9]+)?|\\.[0-9]+)`;
const SYMBOL_CHARACTERS = '[A-Za-z0-9.\\-]';

/** Attributes the view puts on one `<input>`. */
export interface FieldHints {
  readonly name: FieldName;
  readonly type: 'text' | 'date';
  /** Whether the field must be filled in; the date may be left empty (today). */
  readonly required: boolean;
  /** Visible `<label>` text. */
  readonly label: string;
  /** HTML `pattern`: a first check in the browser, never stricter than the server. */
  readonly pattern: string;
  /** HTML `title`, which browsers show when `pattern` does not match. */
  readonly title: string;
  readonly maxLength: number;
  readonly inputMode: 'text' | 'decimal';
  readonly autoCapitalize: 'characters' | 'off';
  readonly placeholder: string;
}

/**
 * HTML hints for each field, in form order. Patterns are written for the `v` flag browsers compile
 * them with, and allow the surrounding spaces and lower case the server forgives. `maxLength` is the
 * rule's own limit for the symbol (typing stops at 10, visibly); the numbers get
 * {@link MAX_INPUT_LENGTH}, because a browser silently truncates a paste and a truncated number is a
 * different, possibly valid, number.
 * @example `<input name={f.name} pattern={f.pattern} maxLength={f.maxLength} inputMode={f.inputMode} required />`
 */
export const stockFields: Readonly<Record<FieldName, FieldHints>> = Object.freeze({
  stock_symbol: {
    name: 'stock_symbol',
    type: 'text',
    required: true,
    label: 'Stock Symbol',
    pattern: `\\s*${SYMBOL_CHARACTERS}*[A-Za-z]${SYMBOL_CHARACTERS}*\\s*`,
    title: symbolMessages.invalid,
    maxLength: SYMBOL_MAX_LENGTH,
    inputMode: 'text',
    autoCapitalize: 'characters',
    placeholder: 'AAPL',
  },
  number_of_shares: {
    name: 'number_of_shares',
    type: 'text',
    required: true,
    label: 'Number of Shares',
    pattern: `\\s*${UNSIGNED_NUMBER}\\s*`,
    title: sharesMessages.invalid,
    maxLength: MAX_INPUT_LENGTH,
    inputMode: 'decimal',
    autoCapitalize: 'off',
    placeholder: '15',
  },
  purchase_price: {
    name: 'purchase_price',
    type: 'text',
    required: true,
    label: 'Purchase Price ($)',
    pattern: `\\s*\\$?\\s*${UNSIGNED_NUMBER}\\s*`,
    title: priceMessages.invalid,
    maxLength: MAX_INPUT_LENGTH,
    inputMode: 'decimal',
    autoCapitalize: 'off',
    placeholder: '302.17',
  },
  // A date input: browsers show a date picker and send YYYY-MM-DD; the pattern serves browsers without one.
  purchase_date: {
    name: 'purchase_date',
    type: 'date',
    required: false,
    label: 'Purchase Date (optional)',
    pattern: '\\s*(?:[0-9]{4}-[0-9]{2}-[0-9]{2})?\\s*',
    title: dateMessages.invalid,
    maxLength: MAX_INPUT_LENGTH,
    inputMode: 'text',
    autoCapitalize: 'off',
    placeholder: 'YYYY-MM-DD',
  },
});

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

function parseSymbol(text: string): Parsed<string> {
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
