/**
 * Edges of applying a checked file (`applyCsvRecords`) that `ledger-csv.test.ts` does not reach:
 * ids and order of what is added, sells in date order (ties by row), sold_from labels and their
 * problems, a short sale that does not make the next one short, and prices (replace, duplicate).
 */
import { describe, expect, it } from 'vitest';

import { toCanonicalString } from './decimal.js';
import type { Ledger } from './ledger.js';
import type { CsvRecords } from './ledger-csv.js';
import { applyCsvRecords, type ApplyResult } from './ledger-csv-apply.js';
import { checkLedgerCsvNow } from './ledger-csv-check.js';
import type { PriceBook } from './price-book.js';

const HEADER = 'type,symbol,shares,price,date,fee,source,lot,sold_from';
function recordsOf(...rows: string[]): CsvRecords {
  const result = checkLedgerCsvNow([HEADER, ...rows].join('\n'), { dates: { latest: '2026-12-07' } });
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.records;
}
const EMPTY: Ledger = { lots: [], sales: [], nextId: 1 };
const apply = (rows: string[], base: Ledger = EMPTY, book: PriceBook = new Map()): ApplyResult =>
  applyCsvRecords(base, book, recordsOf(...rows));
const problemsOf = (result: ApplyResult) =>
  result.ok
    ? []
    : result.problems.map((p) => [p.row, p.field, p.problem, p.available && toCanonicalString(p.available)]);

describe('applyCsvRecords: what it adds', () => {
  it('adds buys with ids from the next id, then sells in date order, ties in row order', () => {
    const base: Ledger = {
      lots: [{ id: 7, symbol: 'A', shares: '1', price: '1', date: '2023-01-01' }],
      sales: [],
      nextId: 10,
    };
    const result = apply(
      [
        'sell,A,1,5,2024-03-01,,,,',
        'buy,A,5,2,2024-01-01,,,,',
        'sell,A,1,6,2024-02-01,,,,',
        'sell,A,1,7,2024-02-01,,,,',
      ],
      base,
    );
    if (!result.ok) throw new Error('refused');
    expect(result.ledger.lots.map((l) => l.id)).toEqual([7, 10]);
    expect(result.ledger.sales.map((s) => [s.id, s.price])).toEqual([
      [11, '6'],
      [12, '7'],
      [13, '5'],
    ]);
    expect(result.ledger.nextId).toBe(14);
    expect(result.counts).toEqual({ buys: 1, sells: 3, prices: 0 });
    // First in, first out over the base's lot too: the first sale takes lot 7.
    expect(result.matching.sales.map((s) => s.allocations.map((a) => a.lotId))).toEqual([[7], [10], [10]]);
  });

  it('matches a sell to the lots its sold_from labels name', () => {
    const result = apply([
      'buy,A,2,1,2024-01-01,,,x,',
      'buy,A,2,3,2024-01-02,,,y,',
      'sell,A,3,5,2024-02-01,,,,y:2 x:1',
    ]);
    if (!result.ok) throw new Error('refused');
    expect(result.ledger.sales[0]?.picks).toEqual([
      { lotId: 2, shares: '2' },
      { lotId: 1, shares: '1' },
    ]);
    expect(result.ledger.sales.map((s) => s.picks === undefined)).toEqual([false]);
  });

  it('names each bad label of a sold_from: unknown, another symbol’s, bought after the sale', () => {
    const result = apply([
      'buy,B,2,1,2024-01-01,,,b,',
      'buy,A,2,1,2024-03-01,,,late,',
      'buy,A,2,1,2024-01-01,,,ok,',
      'sell,A,4,5,2024-02-01,,,,nope:1 b:1 late:1 ok:1',
    ]);
    expect(problemsOf(result)).toEqual([
      [5, 'sold_from', 'unknown-lot', undefined],
      [5, 'sold_from', 'other-symbol', undefined],
      [5, 'sold_from', 'bought-after-sale', undefined],
    ]);
  });

  it('accepts a labelled lot bought on the sale date, and says not-enough when it is short', () => {
    expect(apply(['buy,A,2,1,2024-02-01,,,x,', 'sell,A,2,5,2024-02-01,,,,x:2']).ok).toBe(true);
    expect(problemsOf(apply(['buy,A,2,1,2024-02-01,,,x,', 'sell,A,3,5,2024-02-01,,,,x:3']))).toEqual([
      [3, 'sold_from', 'not-enough', '2'],
    ]);
  });

  it('judges each sell on its own: a short one takes nothing from the next', () => {
    const result = apply([
      'buy,A,5,1,2024-01-01,,,,',
      'sell,A,6,5,2024-02-01,,,,',
      'sell,A,5,5,2024-03-01,,,,',
    ]);
    expect(problemsOf(result)).toEqual([[3, 'shares', 'oversold', '5']]);
  });

  it('never reports a short sale of the base ledger, which the file did not write', () => {
    const base: Ledger = {
      lots: [],
      sales: [{ id: 1, symbol: 'Z', shares: '1', price: '1', date: '2024-01-01' }],
      nextId: 2,
    };
    expect(apply(['buy,A,1,1,2024-01-01,,,,'], base).ok).toBe(true);
  });
});

describe('applyCsvRecords: prices', () => {
  const book: PriceBook = new Map([
    ['A', { price: '1', source: 'manual' }],
    ['Q', { price: '9', source: 'manual' }],
  ]);

  it('replaces the book’s price of a held symbol and keeps the others', () => {
    const result = apply(['buy,A,1,1,,,,,', 'price,A,,5,2024-01-01,,,,'], EMPTY, book);
    if (!result.ok) throw new Error('refused');
    expect([...result.book]).toEqual([
      ['A', { price: '5', source: 'manual', asOf: '2024-01-01' }],
      ['Q', { price: '9', source: 'manual' }],
    ]);
    expect(result.counts.prices).toBe(1);
  });

  it('refuses a second price of one symbol and a price without a lot, in row order', () => {
    const result = apply([
      'price,B,,5,,,,,',
      'buy,A,1,1,,,,,',
      'price,A,,5,,,,,',
      'price,A,,6,,,,,',
      'sell,A,2,1,2024-01-01,,,,',
    ]);
    expect(problemsOf(result)).toEqual([
      [2, 'symbol', 'no-holding', undefined],
      [5, 'symbol', 'duplicate-price', undefined],
      [6, 'shares', 'oversold', '1'],
    ]);
  });
});
