import { describe, expect, it } from 'vitest';
import { formatCount } from './page-links.js';

describe('a count', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [999, '999'],
    [1000, '1,000'],
    [62766, '62,766'],
    [1234567, '1,234,567'],
    [-999, '-999'],
    [-1000, '-1,000'],
    [2.5, '2.5'],
  ])('%d reads %s', (n, text) => {
    expect(formatCount(n)).toBe(text);
  });
});
