/**
 * Purchase dates: calendar days written `YYYY-MM-DD` (ISO 8601), checked strictly, compared as text.
 *
 * "Today" is the UTC date of the app's clock. "In the future" is judged more generously: a date is
 * refused only when it has not begun anywhere on Earth yet (UTC+14, Kiribati), so a visitor east
 * of Greenwich can record a purchase made this morning, local time, before UTC's day turned.
 * @module
 */

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const MS_PER_HOUR = 3_600_000;
/** The earliest time zone in use, UTC+14: its date is the latest calendar day that has begun anywhere. */
const EARLIEST_ZONE_HOURS = 14;

const MS_PER_DAY = 86_400_000;
// The last day asked for: every page asks for today, and the Date round trip is a few µs of cold
// code in a request (issue 16), while the UTC day changes only at multiples of MS_PER_DAY.
let lastDay = Number.NaN;
let lastDate = '';

/** The UTC calendar day of `epochMs`, as `YYYY-MM-DD`. */
export function utcDate(epochMs: number): string {
  const day = Math.floor(epochMs / MS_PER_DAY);
  // NaN never equals itself: an invalid time goes on to Date and throws its RangeError.
  if (day !== lastDay) {
    lastDate = new Date(epochMs).toISOString().slice(0, 10);
    lastDay = day;
  }
  return lastDate;
}

/** The latest purchase date that is not in the future at `epochMs`, anywhere on Earth. */
export function latestPurchaseDate(epochMs: number): string {
  return utcDate(epochMs + EARLIEST_ZONE_HOURS * MS_PER_HOUR);
}

/** Whether `text` is a real calendar day written `YYYY-MM-DD` from year 1000 on (`2025-02-30` is not). */
export function isIsoDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (match === null) return false;
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  // Arithmetic, not a Date round trip: this runs for every stored holding on every page view.
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : (DAYS_IN_MONTH[month - 1] ?? 0));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** English month names, January first, for messages about a day that does not exist. */
export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

/** How many days `month` (1–12) of `year` has, by the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/**
 * Why a text is not a calendar day, so a message can say what is wrong rather than repeat the
 * format: not `YYYY-MM-DD` at all; a month outside 01–12 (`2023-13-01`); a day outside the month
 * (`2024-02-30`: February 2024 has 29 days).
 */
export type DateProblem =
  | { readonly kind: 'format' }
  | { readonly kind: 'month'; readonly year: number; readonly month: number }
  | { readonly kind: 'day'; readonly year: number; readonly month: number; readonly day: number };

/**
 * What is wrong with `text` as a `YYYY-MM-DD` day, or undefined for a real one (of any four-digit
 * year: a floor such as {@link isIsoDate}'s year 1000 is the caller's rule). For messages only;
 * {@link isIsoDate} stays the fast check.
 */
export function dateProblem(text: string): DateProblem | undefined {
  const match = ISO_DATE.exec(text);
  if (match === null) return { kind: 'format' };
  const [year, month, day] = match.slice(1).map(Number) as [number, number, number];
  if (month < 1 || month > 12) return { kind: 'month', year, month };
  if (day < 1 || day > daysInMonth(year, month)) return { kind: 'day', year, month, day };
  return undefined;
}
