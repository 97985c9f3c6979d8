import { describe, expect, it } from 'vitest';
import { isIsoDate, latestPurchaseDate, utcDate } from './dates.js';

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

  it('allows the next UTC day once it has begun at UTC+14, and not before', () => {
    expect(latestPurchaseDate(Date.UTC(2026, 11, 1, 9, 59))).toBe('2026-12-01');
    expect(latestPurchaseDate(Date.UTC(2026, 11, 1, 10, 0))).toBe('2026-12-02');
  });
});
