import { describe, expect, it } from 'vitest';
import { pageCountOf, pageOf, parsePageNumber } from './paging.js';

describe('parsePageNumber', () => {
  it('reads an absent page as page 1', () => {
    expect(parsePageNumber(undefined)).toBe(1);
  });

  it('reads a positive integer', () => {
    expect(parsePageNumber('7')).toBe(7);
  });

  it.each(['0', '-1', '1.5', 'abc', '', ' 2', '1e3', '9999999999'])('refuses %j', (text) => {
    expect(parsePageNumber(text)).toBeUndefined();
  });
});

describe('pageOf', () => {
  const items = Array.from({ length: 250 }, (_, i) => i + 1);

  it('gives each page its items and where they sit in the whole', () => {
    expect(pageOf(items, 1, 100)).toMatchObject({ page: 1, pageCount: 3, first: 1, total: 250 });
    expect(pageOf(items, 3, 100)?.items).toEqual(items.slice(200));
    expect(pageOf(items, 2, 100)?.first).toBe(101);
  });

  it('has no page past the last', () => {
    expect(pageOf(items, 4, 100)).toBeUndefined();
  });

  it('makes an empty list one empty page', () => {
    expect(pageOf([], 1, 100)).toEqual({ items: [], page: 1, pageCount: 1, first: 0, total: 0 });
    expect(pageCountOf(0, 100)).toBe(1);
  });

  it('keeps a list of one page as it is (no copy)', () => {
    const few = [1, 2, 3];
    expect(pageOf(few, 1, 100)?.items).toBe(few);
  });
});
