/**
 * Edges of `positions.ts` that `positions.test.ts` does not reach: the positions of a replayed
 * ledger (`positionsOfLedger`), what a bad amount does, and ties in every sort order.
 */
import { describe, expect, it } from 'vitest';

import { toCanonicalString, type Decimal } from './decimal.js';
import { viewLedger } from './gains.js';
import type { Ledger } from './ledger.js';
import type { PriceBook } from './price-book.js';
import { buildPositions, positionsOfLedger, type Position } from './positions.js';

const t = (value: Decimal | undefined) => (value === undefined ? undefined : toCanonicalString(value));
const TODAY = '2026-12-07';
const priceOf = (price: string) => ({ price, source: 'manual' as const, asOf: TODAY });

describe('positionsOfLedger', () => {
  // B: 10 @ 2 (+1 fee) and 1 @ 5. A: 5 @ 3 (dated) and 2 @ 4 (undated, so sold first); sale 5 sells
  // 3 A: all of lot 3 and 1 of lot 2. C: bought and sold out.
  const ledger: Ledger = {
    lots: [
      { id: 1, symbol: 'B', shares: '10', price: '2', date: '2026-01-01', fee: '1' },
      { id: 2, symbol: 'A', shares: '5', price: '3', date: '2026-02-01' },
      { id: 3, symbol: 'A', shares: '2', price: '4' },
      { id: 4, symbol: 'B', shares: '1', price: '5', date: '2026-01-05' },
      { id: 6, symbol: 'C', shares: '1', price: '1', date: '2026-01-01' },
    ],
    sales: [
      { id: 5, symbol: 'A', shares: '3', price: '6', date: '2026-03-01' },
      { id: 7, symbol: 'C', shares: '1', price: '2', date: '2026-03-01' },
    ],
    nextId: 8,
  };
  const book: PriceBook = new Map([['A', priceOf('10')]]);
  // Computed inside each test, not once per describe: Stryker's per-test coverage sees only what a
  // test runs itself.
  const run = () => {
    const { positions, totals } = positionsOfLedger(viewLedger(ledger, book, TODAY), book, 'symbol');
    return { positions, totals, bySymbol: (symbol: string) => positions.find((p) => p.symbol === symbol) };
  };

  it('shows only what is still held: sold-out lots and closed symbols are left out', () => {
    const { positions } = run();
    expect(positions.map((p) => [p.symbol, p.lots.map((l) => l.id)])).toEqual([
      ['A', [2]],
      ['B', [1, 4]],
    ]);
  });

  it('gives each lot its remaining shares and cost, and what was bought when some were sold', () => {
    const { bySymbol } = run();
    const [partly] = bySymbol('A')?.lots ?? [];
    expect([t(partly?.shares), t(partly?.cost), t(partly?.price), t(partly?.bought)]).toEqual([
      '4',
      '12',
      '3',
      '5',
    ]);
    expect(partly?.holding).toBe(ledger.lots[1]);
    const [feeLot, unsold] = bySymbol('B')?.lots ?? [];
    // 10 × 2 + the whole buy fee of 1.
    expect([t(feeLot?.shares), t(feeLot?.cost), t(feeLot?.price)]).toEqual(['10', '21', '2']);
    expect(feeLot !== undefined && 'bought' in feeLot).toBe(false);
    expect(unsold !== undefined && 'bought' in unsold).toBe(false);
  });

  it('totals each position, values it at the book price, and gives its realized gain only when it has sales', () => {
    const { bySymbol } = run();
    const a = bySymbol('A');
    expect([t(a?.shares), t(a?.cost), t(a?.averageCost)]).toEqual(['4', '12', '3']);
    expect([
      t(a?.valuation?.price),
      t(a?.valuation?.value),
      t(a?.valuation?.gain),
      t(a?.valuation?.gainPercent),
    ]).toEqual(['10', '40', '28', '233.33']);
    // 3 × 6 − (2 × 4 + 1 × 3) = 7.
    expect(t(a?.realized)).toBe('7');
    const b = bySymbol('B');
    expect([t(b?.shares), t(b?.cost), t(b?.averageCost), b?.valuation]).toEqual([
      '11',
      '26',
      '2.3636',
      undefined,
    ]);
    expect(b !== undefined && 'realized' in b).toBe(false);
  });

  it('totals the cost of every position and values only the priced ones', () => {
    const { totals } = run();
    expect(t(totals.cost)).toBe('38');
    expect(totals.pricedCount).toBe(1);
    expect([
      t(totals.priced?.cost),
      t(totals.priced?.value),
      t(totals.priced?.gain),
      t(totals.priced?.gainPercent),
    ]).toEqual(['12', '40', '28', '233.33']);
  });

  it('keeps the portfolio order of lots within a symbol, whatever their ids', () => {
    const shuffled: Ledger = {
      lots: [
        { id: 2, symbol: 'X', shares: '1', price: '2' },
        { id: 1, symbol: 'X', shares: '1', price: '1' },
      ],
      sales: [],
      nextId: 3,
    };
    const result = positionsOfLedger(viewLedger(shuffled, new Map(), TODAY), new Map(), 'symbol');
    expect(result.positions[0]?.lots.map((l) => l.id)).toEqual([2, 1]);
  });

  it('sorts by value with the book prices', () => {
    const two: Ledger = {
      lots: [
        { id: 1, symbol: 'A', shares: '1', price: '1' },
        { id: 2, symbol: 'B', shares: '1', price: '1' },
      ],
      sales: [],
      nextId: 3,
    };
    const prices: PriceBook = new Map([
      ['A', priceOf('2')],
      ['B', priceOf('3')],
    ]);
    const result = positionsOfLedger(viewLedger(two, prices, TODAY), prices, 'value');
    expect(result.positions.map((p) => p.symbol)).toEqual(['B', 'A']);
  });

  it('is empty, with zero cost and nothing priced, for an empty ledger', () => {
    const result = positionsOfLedger(
      viewLedger({ lots: [], sales: [], nextId: 1 }, new Map(), TODAY),
      new Map(),
      'gain',
    );
    expect(result.positions).toEqual([]);
    expect([t(result.totals.cost), result.totals.pricedCount, result.totals.priced]).toEqual([
      '0',
      0,
      undefined,
    ]);
  });
});

describe('buildPositions: edges', () => {
  const symbols = (list: readonly Position[]) => list.map((p) => p.symbol);

  it('refuses an amount that is not a decimal, naming it', () => {
    expect(() => buildPositions([{ symbol: 'X', shares: 'ten', price: '1' }], new Map(), 'symbol')).toThrow(
      new TypeError('Not a decimal: "ten"'),
    );
    expect(() =>
      buildPositions([{ symbol: 'X', shares: '1', price: '1' }], new Map([['X', '1e3']]), 'symbol'),
    ).toThrow(TypeError);
  });

  it('keeps the ids it is given', () => {
    const { positions } = buildPositions(
      [
        { symbol: 'X', shares: '1', price: '1', id: 9 },
        { symbol: 'X', shares: '1', price: '1' },
      ],
      new Map(),
      'symbol',
    );
    expect(positions[0]?.lots.map((l) => l.id)).toEqual([9, 2]);
  });

  it('breaks ties in symbol order, whatever the portfolio order', () => {
    const holdings = ['D', 'C', 'B', 'A'].map((symbol) => ({ symbol, shares: '1', price: '1' }));
    // C and D worth the same, A and B unpriced.
    const prices = new Map([
      ['D', '5'],
      ['C', '5'],
    ]);
    expect(symbols(buildPositions(holdings, prices, 'symbol').positions)).toEqual(['A', 'B', 'C', 'D']);
    expect(symbols(buildPositions(holdings, prices, 'value').positions)).toEqual(['C', 'D', 'A', 'B']);
    expect(symbols(buildPositions(holdings, prices, 'gain').positions)).toEqual(['C', 'D', 'A', 'B']);
  });

  it('puts an unpriced position after a priced one whichever comes first', () => {
    const prices = new Map([['B', '0']]);
    const ab = [
      { symbol: 'A', shares: '1', price: '1' },
      { symbol: 'B', shares: '1', price: '1' },
    ];
    expect(symbols(buildPositions(ab, prices, 'value').positions)).toEqual(['B', 'A']);
    expect(symbols(buildPositions([...ab].reverse(), prices, 'value').positions)).toEqual(['B', 'A']);
    // A loss (−1) still ranks above no price at all.
    expect(symbols(buildPositions(ab, prices, 'gain').positions)).toEqual(['B', 'A']);
  });

  it('has no realized gain for positions built from holdings', () => {
    const { positions } = buildPositions([{ symbol: 'X', shares: '1', price: '1' }], new Map(), 'symbol');
    expect(positions[0] !== undefined && 'realized' in positions[0]).toBe(false);
  });
});
