/**
 * Holding periods: how many days a lot was held before a sale, and whether that makes the gain
 * short-term or long-term.
 *
 * Apart from matching (`sales-match.ts`) because it is calendar arithmetic, not ledger logic: the
 * unrealized view (`gains.ts`) asks the same question of lots still held, and a replay of
 * thousands of sales asks it once per matched part, which is why day numbers are cached here.
 * @module
 */

/** Days after which a holding is long-term (held more than a year). */
export const LONG_TERM_DAYS = 365;

/** Short-term (≤ {@link LONG_TERM_DAYS} days), long-term, or unknown (a lot without a date). */
export type Term = 'short' | 'long' | 'unknown';

const MS_PER_DAY = 86_400_000;

// Day numbers of the dates seen, so a replay of thousands of lots parses each date once.
const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_KEPT = 10_000;

function dayNumber(text: string): number {
  let day = dayNumbers.get(text);
  if (day === undefined) {
    day =
      Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) /
      MS_PER_DAY;
    if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear();
    dayNumbers.set(text, day);
  }
  return day;
}

/** Days from `from` to `to`, both `YYYY-MM-DD` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The term of a holding of `days` days (`undefined`: the lot has no date). */
export function termOf(days: number | undefined): Term {
  return days === undefined ? 'unknown' : days > LONG_TERM_DAYS ? 'long' : 'short';
}
