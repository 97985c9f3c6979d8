import { describe, expect, it } from 'vitest';

import { daysBetween, LONG_TERM_DAYS, termOf } from './holding-period.js';

describe('daysBetween', () => {
  it('counts calendar days across leap days, and negative days backwards', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
    expect(daysBetween('2024-05-05', '2024-05-05')).toBe(0);
  });

  it('still answers right after more distinct dates than its cache keeps', () => {
    const start = Date.UTC(1990, 0, 1);
    const wrong: string[] = [];
    for (let i = 0; i < 12_000; i++) {
      const date = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      if (daysBetween('1990-01-01', date) !== i) wrong.push(date);
    }
    expect(wrong).toEqual([]);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
  });
});

describe('termOf', () => {
  it('is long-term only past a year of days', () => {
    expect(termOf(LONG_TERM_DAYS)).toBe('short');
    expect(termOf(LONG_TERM_DAYS + 1)).toBe('long');
    expect(termOf(0)).toBe('short');
    expect(termOf(undefined)).toBe('unknown');
  });
});
