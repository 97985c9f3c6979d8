import { describe, expect, it } from 'vitest';

import { toCanonicalString, type Decimal } from './decimal.js';
import type { Ledger } from './ledger.js';
import { viewLedger } from './gains.js';
import type { PriceBook } from './price-book.js';

const t = (value: Decimal | undefined) => (value === undefined ? undefined : toCanonicalString(value));

// AAPL: 10 @ 100 (+$10 fee), 6 sold @ 150; MSFT: 2 @ 300, unpriced; NVDA: 1 @ 50, all sold.
const ledger: Ledger = {
  lots: [
    { id: 1, symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02', fee: '10' },
    { id: 2, symbol: 'MSFT', shares: '2', price: '300', date: '2024-01-02' },
    { id: 3, symbol: 'NVDA', shares: '1', price: '50' },
  ],
  sales: [
    { id: 4, symbol: 'AAPL', shares: '6', price: '150', date: '2024-06-03', fee: '3' },
    { id: 5, symbol: 'NVDA', shares: '1', price: '40', date: '2024-06-03' },
  ],
  nextId: 6,
};
const book: PriceBook = new Map([['AAPL', { price: '120', source: 'manual', asOf: '2026-12-07' }]]);

describe('viewLedger', () => {
  const view = viewLedger(ledger, book, '2026-12-07');
  const aapl = view.positions.find((p) => p.symbol === 'AAPL');

  it('values what is left of each lot, its buy fee share included', () => {
    const [lot] = aapl?.lots ?? [];
    expect(t(lot?.remaining)).toBe('4');
    expect(t(lot?.remainingCost)).toBe('404');
    expect(t(lot?.unrealized?.value)).toBe('480');
    expect(t(lot?.unrealized?.gain)).toBe('76');
    expect(t(lot?.unrealized?.gainPercent)).toBe('18.81');
    expect([lot?.days, lot?.term]).toEqual([1435, 'long']);
  });

  it('gives each position its open shares, average cost, unrealized and realized gain', () => {
    expect([t(aapl?.openShares), t(aapl?.averageCost), t(aapl?.unrealized?.gain)]).toEqual([
      '4',
      '101',
      '76',
    ]);
    // 6 × 150 − 3 − (600 + 6) = 291.
    expect(t(aapl?.realized)).toBe('291');
    const nvda = view.positions.find((p) => p.symbol === 'NVDA');
    expect([t(nvda?.openShares), nvda?.averageCost, t(nvda?.realized)]).toEqual(['0', undefined, '-10']);
  });

  it('never mixes priced and unpriced positions in the totals', () => {
    const { priced, unpriced, closedCount, realized } = view.totals;
    expect([priced.count, t(priced.cost), t(priced.value), t(priced.gain)]).toEqual([1, '404', '480', '76']);
    expect([unpriced.count, t(unpriced.cost), unpriced.symbols]).toEqual([1, '600', ['MSFT']]);
    expect(closedCount).toBe(1);
    expect([t(realized.gain), t(realized.longTerm), t(realized.unknownTerm), t(realized.shortTerm)]).toEqual([
      '281',
      '291',
      '-10',
      '0',
    ]);
  });

  it('has no unrealized figures at all when nothing is priced', () => {
    const bare = viewLedger(ledger, new Map(), '2026-12-07');
    expect(bare.totals.priced.count).toBe(0);
    expect(bare.totals.priced.gainPercent).toBeUndefined();
    expect(bare.positions.every((p) => p.unrealized === undefined)).toBe(true);
  });
});
