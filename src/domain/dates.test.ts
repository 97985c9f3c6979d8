import { describe, expect, it } from 'vitest';
import { dateProblem, daysInMonth, isIsoDate, latestPurchaseDate, utcDate } from './dates.js';

describe('purchase dates', () => {
  it.each(['2024-02-29', '2000-02-29', '2026-12-01', '1999-01-31', '2026-04-30'])(
    'accepts the real day %s',
    (text) => {
      expect(isIsoDate(text)).toBe(true);
    },
  );

  it.each([
    '2025-02-29',
    '2026-13-01',
    '2026-00-10',
    '2026-1-01',
    '26-01-01',
    '2026-01-01T00:00',
    '0999-01-01',
    '',
  ])('refuses %j', (text) => {
    expect(isIsoDate(text)).toBe(false);
  });

  it('agrees with the calendar on every day from 1999 to 2001', () => {
    for (let ms = Date.UTC(1999, 0, 1); ms < Date.UTC(2002, 0, 1); ms += 86_400_000) {
      expect(isIsoDate(utcDate(ms))).toBe(true);
    }
  });

  it('gives the UTC calendar day of an instant', () => {
    expect(utcDate(Date.UTC(2026, 11, 1, 23, 59))).toBe('2026-12-01');
  });

  it('turns the day at midnight UTC exactly, asked in any order, before 1970 too', () => {
    const midnight = Date.UTC(2026, 11, 2);
    // Each answer is checked against the one before it: the last day asked for is remembered.
    const asked: [number, string][] = [
      [midnight - 1, '2026-12-01'],
      [midnight - 1, '2026-12-01'],
      [midnight, '2026-12-02'],
      [midnight - 86_400_000, '2026-12-01'],
      [midnight + 86_400_000 - 1, '2026-12-02'],
      [midnight + 86_400_000, '2026-12-03'],
      [Date.UTC(1969, 11, 31, 23, 59, 59, 999), '1969-12-31'],
      [0, '1970-01-01'],
      [-1, '1969-12-31'],
    ];
    for (const [ms, date] of asked) expect(utcDate(ms), String(ms)).toBe(date);
  });

  it('refuses a time that is not one, even right after a valid one', () => {
    utcDate(Date.UTC(2026, 11, 1));
    expect(() => utcDate(Number.NaN)).toThrow(RangeError);
    expect(() => utcDate(8.64e15 + 1)).toThrow(RangeError);
  });

  it('allows the next UTC day once it has begun at UTC+14, and not before', () => {
    expect(latestPurchaseDate(Date.UTC(2026, 11, 1, 9, 59))).toBe('2026-12-01');
    expect(latestPurchaseDate(Date.UTC(2026, 11, 1, 10, 0))).toBe('2026-12-02');
  });
});

describe('dateProblem', () => {
  it('names the month or the day that does not exist, and the shape when it is not YYYY-MM-DD', () => {
    expect(dateProblem('2024-02-30')).toEqual({ kind: 'day', year: 2024, month: 2, day: 30 });
    expect(dateProblem('2023-13-01')).toEqual({ kind: 'month', year: 2023, month: 13 });
    expect(dateProblem('2023-00-01')).toEqual({ kind: 'month', year: 2023, month: 0 });
    expect(dateProblem('2023-01-00')).toEqual({ kind: 'day', year: 2023, month: 1, day: 0 });
    expect(dateProblem('2023-1-01')).toEqual({ kind: 'format' });
    expect(dateProblem('2024-02-29')).toBeUndefined();
    // Any four-digit year is a calendar year here; a floor is the caller's rule.
    expect(dateProblem('0999-01-01')).toBeUndefined();
  });

  it('agrees with isIsoDate on every day of 1999 to 2001 and on the days past each month’s end', () => {
    for (let ms = Date.UTC(1999, 0, 1); ms < Date.UTC(2002, 0, 1); ms += 86_400_000) {
      expect(dateProblem(utcDate(ms))).toBeUndefined();
    }
    for (const year of [1900, 2000, 2023, 2024]) {
      for (let month = 1; month <= 12; month++) {
        const past = `${year}-${String(month).padStart(2, '0')}-${daysInMonth(year, month) + 1}`;
        expect(isIsoDate(past), past).toBe(false);
        expect(dateProblem(past)?.kind, past).toBe('day');
      }
    }
  });
});
