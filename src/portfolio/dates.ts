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
  const [, year = '', month = '', day = ''] = match;
  if (year < '1000') return false;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  // Date.UTC rolls 2025-02-30 over to March; a real day survives the round trip unchanged.
  return date.toISOString().slice(0, 10) === text;
}
