/**
 * Edges of the export (`ledgerCsv`) that `ledger-csv.test.ts` does not reach: sales recorded out
 * of date order (the import replays them by date, so the file must name their lots), the
 * sold_from cell's form, fees on sells, and price rows without a date.
 */
import { describe, expect, it } from 'vitest';

import type { Ledger } from './ledger.js';
import { applyCsvRecords } from './ledger-csv-apply.js';
import { checkLedgerCsvNow } from './ledger-csv-check.js';
import { ledgerCsv } from './ledger-csv-export.js';
import type { PriceBook } from './price-book.js';
import { matchSales, picksOf } from './sales.js';

const rowsOf = (csv: string) => csv.split('\r\n').filter((line) => line !== '');
/** Each sale's lots, by lot position in the ledger (ids differ after an import). */
const matchOf = (ledger: Ledger) => {
  const position = new Map(ledger.lots.map((lot, n) => [lot.id, n]));
  return matchSales(ledger)
    .sales.map((r) => [r.sale.date, picksOf(r).map((p) => `${position.get(p.lotId)}:${p.shares}`)])
    .sort();
};
function reimport(csv: string): Ledger {
  const checked = checkLedgerCsvNow(csv, { dates: { latest: '2026-12-07' } });
  if (!checked.ok) throw new Error('check refused');
  const applied = applyCsvRecords({ lots: [], sales: [], nextId: 1 }, new Map(), checked.records);
  if (!applied.ok) throw new Error('apply refused');
  return applied.ledger;
}

describe('ledgerCsv: edges', () => {
  // Sale 3 (March) recorded before sale 4 (February): FIFO gave sale 3 one share of lot 1 and
  // sale 4 the other share of lot 1 and one of lot 2; by date, sale 4 would take both of lot 1.
  const ledger: Ledger = {
    lots: [
      { id: 1, symbol: 'A', shares: '2', price: '1', date: '2024-01-01' },
      { id: 2, symbol: 'A', shares: '2', price: '2', date: '2024-01-02', fee: '0.5' },
    ],
    sales: [
      { id: 3, symbol: 'A', shares: '1', price: '5', date: '2024-03-01' },
      { id: 4, symbol: 'A', shares: '2', price: '6', date: '2024-02-01', fee: '1' },
    ],
    nextId: 5,
  };

  it('names the lots of sales recorded out of date order, in lot-id order', () => {
    const rows = rowsOf(ledgerCsv(ledger, new Map()));
    expect(rows.slice(1)).toEqual([
      'buy,A,2,1,2024-01-01,,,1,',
      'buy,A,2,2,2024-01-02,0.5,,2,',
      'sell,A,1,5,2024-03-01,,,,1:1',
      'sell,A,2,6,2024-02-01,1,,,1:1 2:1',
    ]);
  });

  it('reads back with every sale on the same lots and the same gain', () => {
    const back = reimport(ledgerCsv(ledger, new Map()));
    expect(matchOf(back)).toEqual(matchOf(ledger));
    const gains = (l: Ledger) =>
      matchSales(l)
        .sales.map((s) => [s.sale.date, s.gain])
        .sort();
    expect(gains(back)).toEqual(gains(ledger));
  });

  it('names no lots when the sales are recorded in date order', () => {
    const inOrder: Ledger = {
      ...ledger,
      sales: [
        { id: 3, symbol: 'A', shares: '2', price: '6', date: '2024-02-01' },
        { id: 4, symbol: 'A', shares: '1', price: '5', date: '2024-02-01' },
      ],
    };
    expect(rowsOf(ledgerCsv(inOrder, new Map())).slice(1)).toEqual([
      'buy,A,2,1,2024-01-01,,,,',
      'buy,A,2,2,2024-01-02,0.5,,,',
      'sell,A,2,6,2024-02-01,,,,',
      'sell,A,1,5,2024-02-01,,,,',
    ]);
  });

  it('writes a price without a date as an empty date cell, with its source', () => {
    const book: PriceBook = new Map([
      ['A', { price: '7', source: 'manual' }],
      ['B', { price: '8', source: 'alpha-vantage', asOf: '2026-12-01' }],
    ]);
    expect(rowsOf(ledgerCsv({ lots: [], sales: [], nextId: 1 }, book))).toEqual([
      'type,symbol,shares,price,date,fee,source,lot,sold_from',
      'price,A,,7,,,manual,,',
      'price,B,,8,2026-12-01,,alpha-vantage,,',
    ]);
  });
});
