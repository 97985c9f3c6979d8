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

/** The UTC calendar day of `epochMs`, as `YYYY-MM-DD`. */
export function utcDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
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
