import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { add, compare, multiply, subtract, sum, toCanonicalString, ZERO } from './decimal.js';
import { ledgerArbitrary } from '../../test/support/ledger-arbitraries.js';
import { amountOf, type Ledger, type Lot, type Sale } from './ledger.js';
import { commitChange, daysBetween, matchSales, termOf } from './sales.js';

const d = (text: string) => amountOf(text);
const text = (value: { units: bigint; scale: number }) => toCanonicalString(value);

function ledgerOf(lots: Lot[], sales: Sale[]): Ledger {
  const ids = [...lots, ...sales].map((r) => r.id);
  return { lots, sales, nextId: Math.max(0, ...ids) + 1 };
}

const lot = (id: number, date: string | undefined, shares: string, price: string, fee?: string): Lot => ({
  symbol: 'AAPL',
  shares,
  price,
  id,
  ...(date === undefined ? {} : { date }),
  ...(fee === undefined ? {} : { fee }),
});

const sale = (id: number, date: string, shares: string, price: string, extra: Partial<Sale> = {}): Sale => ({
  symbol: 'AAPL',
  shares,
  price,
  date,
  id,
  ...extra,
});

describe('matching sales first in, first out', () => {
  it('takes the oldest lot first, by purchase date, not by the order of the list', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-03-01', '10', '200'), lot(2, '2023-01-01', '10', '100')],
      [sale(3, '2024-06-01', '15', '150')],
    );
    const [result] = matchSales(ledger).sales;
    expect(result?.allocations.map((a) => [a.lotId, text(a.shares)])).toEqual([
      [2, '10'],
      [1, '5'],
    ]);
    // 15 × 150 − (10 × 100 + 5 × 200) = 2250 − 2000.
    expect(text(result?.gain ?? ZERO)).toBe('250');
  });

  it('breaks ties on the same date by id, and counts undated lots as the oldest', () => {
    const ledger = ledgerOf(
      [lot(2, '2024-01-01', '1', '20'), lot(1, '2024-01-01', '1', '10'), lot(3, undefined, '1', '5')],
      [sale(4, '2024-02-01', '2', '30')],
    );
    expect(matchSales(ledger).sales[0]?.allocations.map((a) => a.lotId)).toEqual([3, 1]);
  });

  it('never takes a lot bought after the sale', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '5', '10'), lot(2, '2024-07-01', '5', '10')],
      [sale(3, '2024-06-01', '8', '12')],
    );
    const [result] = matchSales(ledger).sales;
    expect(result?.allocations.map((a) => a.lotId)).toEqual([1]);
    expect(text(result?.shortfall ?? ZERO)).toBe('3');
  });

  it('never takes a lot recorded after the sale, even one dated earlier: history as recorded', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '5', '10'), lot(3, '2020-01-01', '5', '1')],
      [sale(2, '2024-06-01', '5', '12')],
    );
    expect(matchSales(ledger).sales[0]?.allocations.map((a) => a.lotId)).toEqual([1]);
  });

  it('replays sales in recording order, each taking what the ones before it left', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '10', '10'), lot(2, '2024-02-01', '10', '20')],
      [sale(3, '2024-06-01', '6', '30'), sale(4, '2024-05-01', '6', '30')],
    );
    const [first, second] = matchSales(ledger).sales;
    expect(first?.allocations.map((a) => [a.lotId, text(a.shares)])).toEqual([[1, '6']]);
    expect(second?.allocations.map((a) => [a.lotId, text(a.shares)])).toEqual([
      [1, '4'],
      [2, '2'],
    ]);
  });

  it('uses the picked lots when the visitor chose them', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '10', '10'), lot(2, '2024-02-01', '10', '20')],
      [
        sale(3, '2024-06-01', '4', '30', { picks: [{ lotId: 2, shares: '4' }] }),
        sale(4, '2024-07-01', '12', '30'),
      ],
    );
    const [picked, fifo] = matchSales(ledger).sales;
    expect(picked?.allocations.map((a) => [a.lotId, text(a.shares)])).toEqual([[2, '4']]);
    expect(fifo?.allocations.map((a) => [a.lotId, text(a.shares)])).toEqual([
      [1, '10'],
      [2, '2'],
    ]);
  });

  it('matches only lots of the same symbol', () => {
    const ledger = ledgerOf(
      [{ ...lot(1, '2024-01-01', '10', '10'), symbol: 'MSFT' }],
      [sale(2, '2024-06-01', '1', '30')],
    );
    expect(text(matchSales(ledger).sales[0]?.shortfall ?? ZERO)).toBe('1');
  });
});

describe('fees and realized gain', () => {
  it('takes the sale fee from the proceeds and a buy fee share into the cost', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '10', '100', '10')],
      [sale(2, '2024-06-01', '4', '150', { fee: '5' })],
    );
    const { sales, lots } = matchSales(ledger);
    const [result] = sales;
    // Proceeds 600 − 5; cost 4 × 100 + 4/10 of the $10 buy fee.
    expect(text(result?.proceeds ?? ZERO)).toBe('595');
    expect(text(result?.cost ?? ZERO)).toBe('404');
    expect(text(result?.gain ?? ZERO)).toBe('191');
    // The remaining six shares carry the rest of the buy fee.
    expect(text(lots.get(1)?.remainingCost ?? ZERO)).toBe('606');
  });

  it('splits fees that do not divide evenly so the parts still add up to the fee', () => {
    const ledger = ledgerOf(
      [lot(1, '2024-01-01', '3', '1', '1'), lot(2, '2024-01-02', '3', '1', '1')],
      [sale(3, '2024-06-01', '1', '2', { fee: '1' }), sale(4, '2024-06-02', '4', '2', { fee: '1' })],
    );
    const { sales, lots } = matchSales(ledger);
    const allocations = sales.flatMap((s) => s.allocations);
    const buyFeeParts = allocations.map((a) => subtract(a.cost, a.shares));
    const left = [...lots.values()].map((l) => subtract(l.remainingCost, l.remaining));
    expect(text(sum([...buyFeeParts, ...left]))).toBe('2');
    for (const result of sales) expect(text(sum(result.allocations.map((a) => a.saleFee)))).toBe('1');
  });
});

describe('holding periods', () => {
  it('counts days, and calls more than 365 long-term', () => {
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(termOf(365)).toBe('short');
    expect(termOf(366)).toBe('long');
    expect(termOf(undefined)).toBe('unknown');
  });

  it('gives each matched part its own period and term', () => {
    const ledger = ledgerOf(
      [lot(1, '2022-01-01', '1', '1'), lot(2, '2024-01-01', '1', '1'), lot(3, undefined, '1', '1')],
      [sale(4, '2024-06-01', '3', '2')],
    );
    const parts = matchSales(ledger).sales[0]?.allocations.map((a) => [a.lotId, a.days, a.term]);
    expect(parts).toEqual([
      [3, undefined, 'unknown'],
      [1, 882, 'long'],
      [2, 152, 'short'],
    ]);
  });
});

describe('conservation (property)', () => {
  it('sold plus remaining shares of every lot are its shares; no lot goes below zero', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger) => {
        const { sales, lots } = matchSales(ledger);
        for (const state of lots.values()) {
          expect(compare(add(state.sold, state.remaining), state.shares)).toBe(0);
          expect(state.remaining.units >= 0n).toBe(true);
        }
        const soldPerLot = new Map<number, typeof ZERO>();
        for (const a of sales.flatMap((s) => s.allocations)) {
          soldPerLot.set(a.lotId, add(soldPerLot.get(a.lotId) ?? ZERO, a.shares));
        }
        for (const [id, sold] of soldPerLot) expect(compare(sold, lots.get(id)?.sold ?? ZERO)).toBe(0);
      }),
    );
  });

  it('every sale recorded through recordSale is covered in full by lots of its symbol bought by its date', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger) => {
        for (const result of matchSales(ledger).sales) {
          expect(result.shortfall.units).toBe(0n);
          expect(compare(sum(result.allocations.map((a) => a.shares)), amountOf(result.sale.shares))).toBe(0);
          for (const a of result.allocations) {
            const bought = ledger.lots.find((l) => l.id === a.lotId);
            expect(bought?.symbol).toBe(result.sale.symbol);
            expect(bought?.date === undefined || bought.date <= result.sale.date).toBe(true);
          }
        }
      }),
    );
  });

  it('cost basis is conserved: sold cost plus remaining cost is every lot’s shares × price + fee, to 10⁻¹⁰ a part', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger) => {
        const { sales, lots } = matchSales(ledger);
        const bought = sum(
          ledger.lots.map((l) =>
            add(multiply(d(l.shares), d(l.price)), l.fee === undefined ? ZERO : d(l.fee)),
          ),
        );
        const accounted = add(
          sum(sales.map((s) => s.cost)),
          sum([...lots.values()].map((l) => l.remainingCost)),
        );
        // Each part's fee share is rounded to FEE_SHARE_SCALE places: half a unit of error at most.
        const parts = sales.reduce((n, s) => n + s.allocations.length, 0);
        const error = subtract(accounted, bought);
        const bound = multiply(d(String(parts)), d('0.00000000005'));
        expect(
          compare(error.units < 0n ? { units: -error.units, scale: error.scale } : error, bound),
        ).toBeLessThanOrEqual(0);
        for (const s of sales) expect(text(sum(s.allocations.map((a) => a.gain)))).toBe(text(s.gain));
      }),
    );
  });
});

describe('commitChange without sales', () => {
  it('accepts a change of a ledger that has no sales before or after as it is', () => {
    const before = ledgerOf([lot(1, '2024-01-02', '5', '10')], []);
    const after = ledgerOf([lot(1, '2024-01-02', '5', '10'), lot(2, undefined, '1', '1')], []);
    const result = commitChange(before, after);
    expect(result.ok && result.ledger).toBe(after);
  });

  it('still refuses a removal that leaves a recorded sale short (the sale is in before)', () => {
    const before = ledgerOf([lot(1, '2024-01-02', '5', '10')], [sale(2, '2024-02-01', '5', '12')]);
    const after = ledgerOf([], before.sales.slice());
    expect(commitChange(before, after).ok).toBe(false);
  });
});
