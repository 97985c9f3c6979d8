/**
 * Edges of {@link viewLedger} that the worked example in `gains.test.ts` does not reach: several
 * lots and sales per symbol, symbol order, a sale with no lot, zero cost, sold-out lots at a price,
 * and totals summed over more than one position and split by term.
 */
import { describe, expect, it } from 'vitest';

import { toCanonicalString, type Decimal } from './decimal.js';
import { viewLedger } from './gains.js';
import type { Ledger } from './ledger.js';
import type { PriceBook } from './price-book.js';

const t = (value: Decimal | undefined) => (value === undefined ? undefined : toCanonicalString(value));
const TODAY = '2026-12-07';
const priceOf = (price: string) => ({ price, source: 'manual' as const, asOf: TODAY });

describe('viewLedger: positions', () => {
  // ZZZ recorded first, so symbol order is not recording order.
  const ledger: Ledger = {
    lots: [
      { id: 1, symbol: 'ZZZ', shares: '1', price: '10', date: '2026-01-01' },
      { id: 2, symbol: 'AAA', shares: '2', price: '5', date: '2026-01-01' },
      { id: 3, symbol: 'AAA', shares: '3', price: '7', date: '2026-02-01' },
      { id: 4, symbol: 'MMM', shares: '4', price: '1' },
    ],
    sales: [
      { id: 5, symbol: 'AAA', shares: '1', price: '8', date: '2026-03-01' },
      { id: 6, symbol: 'AAA', shares: '2', price: '9', date: '2026-04-01' },
    ],
    nextId: 7,
  };
  const book: PriceBook = new Map([
    ['AAA', priceOf('10')],
    ['ZZZ', priceOf('4')],
  ]);
  // Computed inside each test, not once per describe: Stryker's per-test coverage sees only what a
  // test runs itself.
  const run = () => {
    const view = viewLedger(ledger, book, TODAY);
    return { view, aaa: view.positions.find((p) => p.symbol === 'AAA') };
  };

  it('lists the positions in symbol order, each once', () => {
    const { view } = run();
    expect(view.positions.map((p) => p.symbol)).toEqual(['AAA', 'MMM', 'ZZZ']);
  });

  it('keeps every lot and every sale of a symbol, in portfolio and recording order', () => {
    const { aaa } = run();
    expect(aaa?.lots.map((l) => l.lot.id)).toEqual([2, 3]);
    expect(aaa?.sales.map((s) => s.sale.id)).toEqual([5, 6]);
    // FIFO: sale 5 takes 1 of lot 2, sale 6 the last of lot 2 and 1 of lot 3.
    expect(aaa?.lots.map((l) => [t(l.sold), t(l.remaining)])).toEqual([
      ['2', '0'],
      ['1', '2'],
    ]);
  });

  it('gives a sold-out lot no unrealized figures even at a price, and sums the open lots', () => {
    const { aaa } = run();
    const [soldOut, open] = aaa?.lots ?? [];
    expect(soldOut?.unrealized).toBeUndefined();
    expect([t(open?.unrealized?.value), t(open?.unrealized?.gain), t(open?.unrealized?.gainPercent)]).toEqual(
      ['20', '6', '42.86'],
    );
    expect([t(aaa?.openShares), t(aaa?.openCost), t(aaa?.averageCost)]).toEqual(['2', '14', '7']);
    // Sale 5: 8 − 5 = 3; sale 6: 18 − (5 + 7) = 6.
    expect(aaa?.sales.map((s) => t(s.gain))).toEqual(['3', '6']);
    expect(t(aaa?.realized)).toBe('9');
  });

  it('counts the days held and the term of each lot, unknown without a date', () => {
    const { view, aaa } = run();
    const mmm = view.positions.find((p) => p.symbol === 'MMM');
    expect(mmm?.lots.map((l) => [l.days, l.term])).toEqual([[undefined, 'unknown']]);
    expect(aaa?.lots.map((l) => [l.days, l.term])).toEqual([
      [340, 'short'],
      [309, 'short'],
    ]);
  });

  it('totals priced positions over all of them and leaves the unpriced apart', () => {
    const { view } = run();
    const { priced, unpriced, closedCount } = view.totals;
    // AAA: value 20, cost 14; ZZZ: value 4, cost 10. Together: 24 against 24.
    expect([priced.count, t(priced.cost), t(priced.value), t(priced.gain), t(priced.gainPercent)]).toEqual([
      2,
      '24',
      '24',
      '0',
      '0',
    ]);
    expect([unpriced.count, t(unpriced.cost), unpriced.symbols]).toEqual([1, '4', ['MMM']]);
    expect(closedCount).toBe(0);
    expect(t(view.totals.realized.shortTerm)).toBe('9');
    expect(t(view.totals.realized.longTerm)).toBe('0');
    expect(t(view.totals.realized.unknownTerm)).toBe('0');
  });

  it('gives a position with a loss a negative gain and percentage', () => {
    const { view } = run();
    const zzz = view.positions.find((p) => p.symbol === 'ZZZ');
    expect([t(zzz?.unrealized?.value), t(zzz?.unrealized?.gain), t(zzz?.unrealized?.gainPercent)]).toEqual([
      '4',
      '-6',
      '-60',
    ]);
    expect(zzz?.price?.price).toBe('4');
  });
});

describe('viewLedger: edges', () => {
  it('shows a sale without any lot as its own closed position with a shortfall', () => {
    const ledger: Ledger = {
      lots: [],
      sales: [{ id: 1, symbol: 'GHOST', shares: '2', price: '3', date: '2026-01-01' }],
      nextId: 2,
    };
    const view = viewLedger(ledger, new Map([['GHOST', priceOf('5')]]), TODAY);
    expect(view.positions.map((p) => [p.symbol, p.lots.length, p.sales.length])).toEqual([['GHOST', 0, 1]]);
    const [ghost] = view.positions;
    expect([t(ghost?.openShares), ghost?.averageCost, ghost?.unrealized]).toEqual([
      '0',
      undefined,
      undefined,
    ]);
    expect(t(ghost?.sales[0]?.shortfall)).toBe('2');
    expect(view.totals.closedCount).toBe(1);
    expect([view.totals.priced.count, view.totals.unpriced.count]).toEqual([0, 0]);
  });

  it('gives no percentage where the cost is zero, but still the value and gain', () => {
    const ledger: Ledger = {
      lots: [{ id: 1, symbol: 'FREE', shares: '3', price: '0', date: '2026-01-01' }],
      sales: [],
      nextId: 2,
    };
    const view = viewLedger(ledger, new Map([['FREE', priceOf('2')]]), TODAY);
    const [position] = view.positions;
    const [lot] = position?.lots ?? [];
    expect([t(lot?.unrealized?.value), t(lot?.unrealized?.gain), lot?.unrealized?.gainPercent]).toEqual([
      '6',
      '6',
      undefined,
    ]);
    expect([t(position?.unrealized?.gain), position?.unrealized?.gainPercent]).toEqual(['6', undefined]);
    expect([t(view.totals.priced.value), view.totals.priced.gainPercent]).toEqual(['6', undefined]);
  });

  it('counts closed positions apart from open ones, priced or not', () => {
    const ledger: Ledger = {
      lots: [
        { id: 1, symbol: 'A', shares: '1', price: '1', date: '2020-01-01' },
        { id: 2, symbol: 'B', shares: '1', price: '1', date: '2020-01-01' },
        { id: 3, symbol: 'C', shares: '1', price: '1', date: '2020-01-01' },
        { id: 4, symbol: 'D', shares: '1', price: '1' },
      ],
      sales: [
        { id: 5, symbol: 'A', shares: '1', price: '3', date: '2020-06-01' },
        { id: 6, symbol: 'D', shares: '1', price: '4', date: '2020-06-01' },
        { id: 7, symbol: 'B', shares: '1', price: '2', date: '2022-01-01' },
      ],
      nextId: 8,
    };
    // A and D closed (A priced), B closed, C open and unpriced.
    const view = viewLedger(ledger, new Map([['A', priceOf('9')]]), TODAY);
    expect(view.totals.closedCount).toBe(3);
    expect([view.totals.priced.count, view.totals.unpriced.count, view.totals.unpriced.symbols]).toEqual([
      0,
      1,
      ['C'],
    ]);
    const { realized } = view.totals;
    expect([t(realized.gain), t(realized.shortTerm), t(realized.longTerm), t(realized.unknownTerm)]).toEqual([
      '6',
      '2',
      '1',
      '3',
    ]);
  });

  it('is empty for an empty ledger', () => {
    const view = viewLedger({ lots: [], sales: [], nextId: 1 }, new Map(), TODAY);
    expect(view.positions).toEqual([]);
    expect([view.totals.priced.count, view.totals.unpriced.count, view.totals.closedCount]).toEqual([
      0, 0, 0,
    ]);
    expect([t(view.totals.priced.value), t(view.totals.realized.gain)]).toEqual(['0', '0']);
  });
});
