/**
 * Edges of the replay (`matchSales`, `sales-match.ts`) and of `commitChange`'s pick problems: the
 * date and id boundaries of which lots a sale may take, first-in-first-out order, exact covers and
 * one share more, sales stored out of order, short sales that take nothing, and fee shares.
 */
import { describe, expect, it } from 'vitest';

import { toCanonicalString, type Decimal } from './decimal.js';
import type { Ledger, Lot, Sale } from './ledger.js';
import { commitChange, matchSales, type SaleResult } from './sales.js';

const t = (value: Decimal) => toCanonicalString(value);
const taken = (result: SaleResult | undefined) => result?.allocations.map((a) => [a.lotId, t(a.shares)]);
const ledgerOf = (lots: Lot[], sales: Sale[]): Ledger => ({
  lots,
  sales,
  nextId: Math.max(0, ...lots.map((l) => l.id), ...sales.map((s) => s.id)) + 1,
});

describe('which lots a sale may take', () => {
  it('takes a lot bought on the sale date, not one bought the day after', () => {
    const lots: Lot[] = [
      { id: 1, symbol: 'A', shares: '1', price: '1', date: '2024-05-02' },
      { id: 2, symbol: 'A', shares: '1', price: '1', date: '2024-05-01' },
    ];
    const { sales } = matchSales(
      ledgerOf(lots, [{ id: 3, symbol: 'A', shares: '2', price: '1', date: '2024-05-01' }]),
    );
    expect(taken(sales[0])).toEqual([[2, '1']]);
    expect(t(sales[0]?.shortfall ?? { units: -1n, scale: 0 })).toBe('1');
  });

  it('never takes a lot recorded after the sale, even one dated earlier', () => {
    const lots: Lot[] = [
      { id: 1, symbol: 'A', shares: '1', price: '1', date: '2024-02-01' },
      { id: 3, symbol: 'A', shares: '5', price: '1', date: '2024-01-01' },
    ];
    const { sales, lots: states } = matchSales(
      ledgerOf(lots, [{ id: 2, symbol: 'A', shares: '2', price: '1', date: '2024-03-01' }]),
    );
    expect(taken(sales[0])).toEqual([[1, '1']]);
    expect(t(sales[0]?.shortfall ?? { units: -1n, scale: 0 })).toBe('1');
    expect(t(states.get(3)?.remaining ?? { units: -1n, scale: 0 })).toBe('5');
  });

  it('takes undated lots first, then by date, ties by id, whatever the portfolio order', () => {
    const lots: Lot[] = [
      { id: 4, symbol: 'A', shares: '1', price: '1', date: '2024-01-02' },
      { id: 3, symbol: 'A', shares: '1', price: '1', date: '2024-01-02' },
      { id: 2, symbol: 'A', shares: '1', price: '1', date: '2024-01-01' },
      { id: 5, symbol: 'A', shares: '1', price: '1' },
      { id: 1, symbol: 'B', shares: '9', price: '1', date: '2023-01-01' },
    ];
    const { sales } = matchSales(
      ledgerOf(lots, [{ id: 6, symbol: 'A', shares: '4', price: '1', date: '2024-02-01' }]),
    );
    expect(taken(sales[0])).toEqual([
      [5, '1'],
      [2, '1'],
      [3, '1'],
      [4, '1'],
    ]);
    expect(sales[0]?.allocations.map((a) => a.term)).toEqual(['unknown', 'short', 'short', 'short']);
  });

  it('takes picked lots only when the sale may take them', () => {
    const lots: Lot[] = [
      { id: 1, symbol: 'A', shares: '2', price: '1', date: '2024-01-01' },
      { id: 2, symbol: 'B', shares: '2', price: '1', date: '2024-01-01' },
      { id: 3, symbol: 'A', shares: '2', price: '1', date: '2024-09-01' },
    ];
    const sale: Sale = {
      id: 4,
      symbol: 'A',
      shares: '4',
      price: '1',
      date: '2024-06-01',
      picks: [
        { lotId: 2, shares: '1' },
        { lotId: 3, shares: '1' },
        { lotId: 9, shares: '1' },
        { lotId: 1, shares: '1' },
      ],
    };
    const { sales } = matchSales(ledgerOf(lots, [sale]));
    expect(taken(sales[0])).toEqual([[1, '1']]);
    expect(t(sales[0]?.shortfall ?? { units: -1n, scale: 0 })).toBe('3');
  });
});

describe('covering a sale', () => {
  const lots: Lot[] = [
    { id: 1, symbol: 'A', shares: '2', price: '10', date: '2024-01-01' },
    { id: 2, symbol: 'A', shares: '3', price: '20', date: '2024-01-02' },
  ];

  it('sells a lot out exactly, then goes on with the next one in a later sale', () => {
    const { sales, lots: states } = matchSales(
      ledgerOf(lots, [
        { id: 3, symbol: 'A', shares: '2', price: '30', date: '2024-02-01' },
        { id: 4, symbol: 'A', shares: '3', price: '30', date: '2024-02-01' },
      ]),
    );
    expect(sales.map(taken)).toEqual([[[1, '2']], [[2, '3']]]);
    expect(sales.map((s) => t(s.shortfall))).toEqual(['0', '0']);
    expect([...states.values()].map((s) => [t(s.sold), t(s.remaining), t(s.remainingCost)])).toEqual([
      ['2', '0', '0'],
      ['3', '0', '0'],
    ]);
  });

  it('takes what there is of a sale one share too big, and says what is short', () => {
    const { sales, lots: states } = matchSales(
      ledgerOf(lots, [{ id: 3, symbol: 'A', shares: '6', price: '30', date: '2024-02-01' }]),
    );
    expect(taken(sales[0])).toEqual([
      [1, '2'],
      [2, '3'],
    ]);
    expect(t(sales[0]?.shortfall ?? { units: -1n, scale: 0 })).toBe('1');
    expect([...states.values()].map((s) => t(s.remaining))).toEqual(['0', '0']);
  });

  it('with shortSalesTakeNothing, a short sale takes nothing and leaves the lots to the next sale', () => {
    const ledger = ledgerOf(lots, [
      { id: 3, symbol: 'A', shares: '6', price: '30', date: '2024-02-01' },
      { id: 4, symbol: 'A', shares: '5', price: '30', date: '2024-02-01', fee: '5' },
    ]);
    const { sales, lots: states } = matchSales(ledger, { shortSalesTakeNothing: true });
    expect(sales.map((s) => [taken(s), t(s.shortfall)])).toEqual([
      [[], '1'],
      [
        [
          [1, '2'],
          [2, '3'],
        ],
        '0',
      ],
    ]);
    // Its shortfall is still only the share missing; its proceeds count all its shares, its cost is nothing.
    expect([
      t(sales[0]?.proceeds ?? { units: -1n, scale: 0 }),
      t(sales[0]?.cost ?? { units: -1n, scale: 0 }),
    ]).toEqual(['180', '0']);
    expect([...states.values()].map((s) => t(s.remaining))).toEqual(['0', '0']);
    // Sale 4: 150 − 5 − (20 + 60) = 65.
    expect(t(sales[1]?.gain ?? { units: -1n, scale: 0 })).toBe('65');
  });

  it('replays sales stored out of order in recording order', () => {
    const { sales } = matchSales(
      ledgerOf(lots, [
        { id: 4, symbol: 'A', shares: '1', price: '30', date: '2024-02-01' },
        { id: 3, symbol: 'A', shares: '2', price: '30', date: '2024-02-01' },
      ]),
    );
    expect(sales.map((s) => [s.sale.id, taken(s)])).toEqual([
      [3, [[1, '2']]],
      [4, [[2, '1']]],
    ]);
  });
});

describe('fees', () => {
  it('shares a buy fee by shares, and a sold-out lot keeps no rounding remainder as cost', () => {
    const lots: Lot[] = [{ id: 1, symbol: 'A', shares: '3', price: '1', date: '2024-01-01', fee: '1' }];
    const sale = (id: number): Sale => ({ id, symbol: 'A', shares: '1', price: '2', date: '2024-02-01' });
    const one = matchSales(ledgerOf(lots, [sale(2)]));
    expect(one.sales[0]?.allocations.map((a) => t(a.cost))).toEqual(['1.3333333333']);
    // The rest of the fee stays with the shares held, exactly.
    expect(t(one.lots.get(1)?.remainingCost ?? { units: -1n, scale: 0 })).toBe('2.6666666667');
    const all = matchSales(ledgerOf(lots, [sale(2), sale(3), sale(4)]));
    expect(all.sales.map((s) => t(s.gain))).toEqual(['0.6666666667', '0.6666666667', '0.6666666667']);
    expect(t(all.lots.get(1)?.remainingCost ?? { units: -1n, scale: 0 })).toBe('0');
  });

  it('shares a sale fee over its lots in lot-id order, adding up to the fee exactly', () => {
    const lots: Lot[] = [
      { id: 2, symbol: 'A', shares: '1', price: '1' },
      { id: 1, symbol: 'A', shares: '2', price: '1', date: '2024-01-01' },
    ];
    const { sales } = matchSales(
      ledgerOf(lots, [{ id: 3, symbol: 'A', shares: '3', price: '1', date: '2024-02-01', fee: '1' }]),
    );
    // Taken undated lot 2 first, but the fee goes to lot 1 first: 2/3 of it, then the rest.
    expect(sales[0]?.allocations.map((a) => [a.lotId, t(a.saleFee)])).toEqual([
      [2, '0.3333333333'],
      [1, '0.6666666667'],
    ]);
    expect(t(sales[0]?.gain ?? { units: -1n, scale: 0 })).toBe('-1');
  });
});

describe('commitChange: pick problems at their boundaries', () => {
  const lots: Lot[] = [
    { id: 1, symbol: 'A', shares: '2', price: '1', date: '2024-05-01' },
    { id: 2, symbol: 'B', shares: '2', price: '1', date: '2024-05-01' },
  ];
  const before = ledgerOf(lots, []);
  const pick = (lotId: number, shares: string, date = '2024-05-01'): Ledger =>
    ledgerOf(lots, [{ id: 3, symbol: 'A', shares, price: '1', date, picks: [{ lotId, shares }] }]);

  it('accepts a pick of every share of a lot bought on the sale date', () => {
    expect(commitChange(before, pick(1, '2')).ok).toBe(true);
  });

  it('names the reason a pick fails, with what the lot has', () => {
    const problem = (after: Ledger) => {
      const result = commitChange(before, after);
      return result.ok ? undefined : result.problem;
    };
    expect(problem(pick(1, '3'))).toEqual({
      kind: 'bad-pick',
      lotId: 1,
      reason: 'not-enough',
      available: { units: 2n, scale: 0 },
    });
    expect(problem(pick(1, '1', '2024-04-30'))).toMatchObject({
      kind: 'bad-pick',
      lotId: 1,
      reason: 'bought-after-sale',
    });
    expect(problem(pick(2, '1'))).toMatchObject({ kind: 'bad-pick', lotId: 2, reason: 'other-symbol' });
    expect(problem(pick(9, '1'))).toMatchObject({ kind: 'bad-pick', lotId: 9, reason: 'unknown-lot' });
  });
});
