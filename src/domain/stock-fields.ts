/**
 * The add-stock form's fields: names, the HTML hints the view renders, the messages a visitor sees,
 * the purchase-date bounds and the number grammar. `stock-rules.ts` parses with them; the view, the
 * handlers and the tests all read from here, so a rule or a message changes in one place.
 *
 * The domain limits (symbol length, maximum shares and price, decimals) come from
 * `portfolio.ts`; this module adds what only a human typist needs: trimming, `$`,
 * thousands separators, and a specific message for each way an entry can be wrong.
 *
 * Decision on signs: `-5` is answered with "greater than 0"; `+5` is rejected too, with its own
 * message, because the form records a purchase, not a change, and a sign suggests the latter.
 * Decision on precision: trailing zeros do not count as decimals (`1.50000` is `1.5`), because the
 * value is exact either way.
 * @module
 */

import { latestPurchaseDate, MONTH_NAMES, daysInMonth, utcDate, type DateProblem } from './dates.js';
import { formatQuantity } from './decimal.js';
import {
  PRICE_RULE,
  SHARES_RULE,
  SYMBOL_MAX_LENGTH,
  type AmountProblem,
  type AmountRule,
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
  invalid: `Enter a stock symbol of 1–${SYMBOL_MAX_LENGTH} letters, digits, '.' or '-' (for example AAPL, BRK.B or 0700).`,
  'no-letter':
    'Enter a stock symbol with at least one letter (for example AAPL), or an exchange code of 4 to 6 digits with its leading zeros (for example 0700 or 7203).',
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

/**
 * The earliest purchase or sale date accepted from a form or a file: 1 January 1900. Earlier dates
 * are almost always typing slips (`1026`, `0226`, `1800`); no one recording a portfolio now holds a
 * lot bought before 1900 (shares inherited from the 1920s still pass). Not the NYSE's founding
 * (1792), which would let the issue's `1800-01-01` through. Dates already stored are read whatever
 * they are: the floor is for new input only, so no saved lot is ever dropped by it.
 */
export const EARLIEST_TRADE_DATE = '1900-01-01';

/** The messages a date field shows, by cause; an impossible day gets {@link impossibleDateMessage}. */
export interface DateMessages {
  /** Not `YYYY-MM-DD` at all. */
  readonly invalid: string;
  readonly future: string;
  /** Before {@link EARLIEST_TRADE_DATE}. */
  readonly tooEarly: string;
}

/** Messages for the purchase-date field. */
export const dateMessages: DateMessages = Object.freeze({
  invalid: 'Enter the purchase date as YYYY-MM-DD (for example 2026-03-04), or leave it empty for today.',
  future: 'Enter a purchase date that is not in the future.',
  tooEarly: `Enter a purchase date on or after ${EARLIEST_TRADE_DATE}: earlier dates are not accepted.`,
});

/**
 * What is wrong with `text`, a `YYYY-MM-DD` that names no day, in words: `2024-02-30 is not a
 * date: February 2024 has 29 days.`, `2023-13-01 is not a date: 2023 has no month 13.`
 */
export function impossibleDateMessage(
  text: string,
  problem: Exclude<DateProblem, { kind: 'format' }>,
): string {
  const year = String(problem.year).padStart(4, '0');
  if (problem.kind === 'month') {
    return `${text} is not a date: ${year} has no month ${String(problem.month).padStart(2, '0')}.`;
  }
  if (problem.day < 1) return `${text} is not a date: days start at 01.`;
  const month = MONTH_NAMES[problem.month - 1] ?? '';
  return `${text} is not a date: ${month} ${year} has ${daysInMonth(problem.year, problem.month)} days.`;
}

/**
 * What "today" means to the date rule, from the app's clock (see `dates.ts`): the date an
 * empty field stands for, and the latest date that is not in the future.
 */
export interface PurchaseDateBounds {
  /** `YYYY-MM-DD` an empty field becomes. */
  readonly today: string;
  /** The latest `YYYY-MM-DD` accepted. */
  readonly latest: string;
  /** The earliest `YYYY-MM-DD` accepted; default (and never below) {@link EARLIEST_TRADE_DATE}. */
  readonly earliest?: string;
}

/** The date bounds at `epochMs` on the app's clock, with the floor (a CSV check reads it too). */
export function purchaseDateBounds(epochMs: number): PurchaseDateBounds {
  return { today: utcDate(epochMs), latest: latestPurchaseDate(epochMs), earliest: EARLIEST_TRADE_DATE };
}

// The number grammar, shared by the server and the HTML `pattern` so the two cannot disagree.
// A grouped integer must not start with 0: `0,500` is far more likely a European 0.5 than 500.
const INTEGER = '(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)';
export const UNSIGNED_NUMBER = `(?:${INTEGER}(?:\\.[0-9]+)?|\\.[0-9]+)`;
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
    // A letter somewhere, or a digit code (portfolio.ts, DIGIT_CODE): never stricter than the server.
    pattern: `\\s*(?:${SYMBOL_CHARACTERS}*[A-Za-z]${SYMBOL_CHARACTERS}*|[0-9]{4,6})\\s*`,
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
