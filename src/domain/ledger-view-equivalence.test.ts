import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { amountArbitrary, datesFrom, ledgerArbitrary } from '../../test/support/ledger-arbitraries.js';
import {
  referenceMatchSales,
  referencePositionsOfLedger,
  referenceViewLedger,
} from '../../test/support/ledger-view-reference.js';
import { viewLedger } from './gains.js';
import { lotAmounts, type Ledger, type Sale } from './ledger.js';
import { POSITION_SORTS, positionsOfLedger } from './positions.js';
import type { PriceBook } from './price-book.js';
import { matchSales } from './sales.js';

/** A price for some of the symbols the generated ledgers hold (and one they do not). */
const bookArbitrary: fc.Arbitrary<PriceBook> = fc
  .subarray(['AAPL', 'MSFT', 'BRK.B', 'NVDA'])
  .chain((symbols) =>
    fc.tuple(...symbols.map((symbol) => amountArbitrary(900, 4).map((p) => [symbol, p] as const))),
  )
  .map(
    (entries) => new Map(entries.map(([symbol, price]) => [symbol, { price, source: 'manual' as const }])),
  );

/**
 * Ledgers as the app writes them, and some as another program might: a sale that picks lots by
 * any id (of another symbol, unknown, sold out) and a sale of a symbol with no lots.
 */
const wildLedgerArbitrary: fc.Arbitrary<Ledger> = fc
  .tuple(
    ledgerArbitrary,
    fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), amountArbitrary(50, 2)), { maxLength: 3 }),
    fc.boolean(),
    datesFrom(2023),
  )
  .map(([ledger, picks, orphan, date]) => {
    const extra: Sale[] = [];
    let nextId = ledger.nextId;
    if (picks.length > 0) {
      extra.push({
        id: nextId++,
        symbol: 'AAPL',
        shares: '1',
        price: '10',
        date,
        picks: picks.map(([lotId, shares]) => ({ lotId, shares })),
      });
    }
    if (orphan) extra.push({ id: nextId++, symbol: 'NVDA', shares: '2', price: '5', date });
    return { lots: ledger.lots, sales: [...ledger.sales, ...extra], nextId };
  });

/** `ledger` frozen through and through, as the session layer shares a decoded one. */
function frozen(ledger: Ledger): Ledger {
  return Object.freeze({
    lots: Object.freeze(ledger.lots.map((lot) => Object.freeze({ ...lot }))),
    sales: Object.freeze(ledger.sales.map((sale) => Object.freeze({ ...sale }))),
    nextId: ledger.nextId,
  });
}

describe('the replay, the page figures and the positions equal the straightforward computation', () => {
  it('matchSales gives the same sales and the same lot states, in the same order', () => {
    fc.assert(
      fc.property(wildLedgerArbitrary, fc.boolean(), (ledger, shortSalesTakeNothing) => {
        const ours = matchSales(ledger, { shortSalesTakeNothing });
        const theirs = referenceMatchSales(ledger, { shortSalesTakeNothing });
        expect(ours.sales).toEqual(theirs.sales);
        expect([...ours.lots]).toEqual([...theirs.lots]);
      }),
    );
  });

  it('viewLedger and positionsOfLedger give the same figures, decimal scales included, in every order', () => {
    fc.assert(
      fc.property(
        wildLedgerArbitrary,
        bookArbitrary,
        fc.boolean(),
        fc.constantFrom(...POSITION_SORTS),
        (ledger, book, freeze, sort) => {
          const input = freeze ? frozen(ledger) : ledger;
          const ours = viewLedger(input, book, '2026-12-07');
          const theirs = referenceViewLedger(ledger, book, '2026-12-07');
          expect(ours.positions).toEqual(theirs.positions);
          expect(ours.totals).toEqual(theirs.totals);
          expect([...ours.matching.lots]).toEqual([...theirs.matching.lots]);
          expect(positionsOfLedger(ours, book, sort)).toEqual(referencePositionsOfLedger(theirs, book, sort));
        },
      ),
    );
  });
});

describe('lotAmounts', () => {
  const lots = [
    { id: 1, symbol: 'AAPL', shares: '10', price: '2.5', fee: '1.25' },
    { id: 2, symbol: 'MSFT', shares: '3', price: '100' },
  ];

  it('parses each lot: shares, price, fee (zero for none) and the whole cost', () => {
    const [first, second] = lotAmounts(lots);
    expect([first?.shares, first?.price, first?.fee, first?.cost]).toEqual([
      { units: 10n, scale: 0 },
      { units: 25n, scale: 1 },
      { units: 125n, scale: 2 },
      { units: 2625n, scale: 2 },
    ]);
    expect([second?.fee, second?.cost]).toEqual([
      { units: 0n, scale: 0 },
      { units: 300n, scale: 0 },
    ]);
  });

  it('serves a frozen array of frozen lots from one parse', () => {
    const shared = Object.freeze(lots.map((lot) => Object.freeze({ ...lot })));
    expect(lotAmounts(shared)).toBe(lotAmounts(shared));
  });

  it('parses afresh an array that can still change, so a changed lot is never served stale', () => {
    const open = lots.map((lot) => ({ ...lot }));
    const before = lotAmounts(open);
    open[0] = { id: 1, symbol: 'AAPL', shares: '20', price: '2.5', fee: '1.25' };
    const after = lotAmounts(open);
    expect(after).not.toBe(before);
    expect(after[0]?.shares).toEqual({ units: 20n, scale: 0 });
  });

  it('parses afresh a frozen array whose lots can still change', () => {
    const mutable = lots.map((lot) => ({ ...lot }));
    const array = Object.freeze(mutable);
    expect(lotAmounts(array)[0]?.shares).toEqual({ units: 10n, scale: 0 });
    (mutable[0] as { shares: string }).shares = '7';
    expect(lotAmounts(array)[0]?.shares).toEqual({ units: 7n, scale: 0 });
  });
});
