import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseDecimal } from './decimal.js';
import { decodePortfolio } from './portfolio.js';
import {
  checkFee,
  decodeLedger,
  encodeLedger,
  encodeLot,
  encodeSale,
  parseRecordId,
  type Ledger,
  type Lot,
  type Sale,
} from './ledger.js';
import { ledgerArbitrary } from '../../test/support/ledger-arbitraries.js';

const lot = (id: number, extra: Partial<Lot> = {}): Lot => ({
  symbol: 'AAPL',
  shares: '10',
  price: '100',
  date: '2024-01-02',
  id,
  ...extra,
});

describe('the session form of lots', () => {
  it('keeps today’s first elements and appends the id, then the fee when there is one', () => {
    expect(encodeLot(lot(7))).toEqual(['AAPL', '10', '100', '2024-01-02', 7]);
    expect(encodeLot(lot(7, { fee: '4.95' }))).toEqual(['AAPL', '10', '100', '2024-01-02', 7, '4.95']);
  });

  it('writes null for a lot saved before dates existed, so the id keeps its place', () => {
    const { symbol, shares, price } = lot(3);
    const undated: Lot = { symbol, shares, price, id: 3 };
    expect(encodeLot(undated)).toEqual(['AAPL', '10', '100', null, 3]);
  });

  it('is still read by today’s holding reader for its first four elements', () => {
    const [symbol, shares, price, date] = encodeLot(lot(7, { fee: '1' }));
    expect(decodePortfolio([[symbol, shares, price, date ?? '']])).toEqual([
      { symbol: 'AAPL', shares: '10', price: '100', date: '2024-01-02' },
    ]);
  });
});

describe('the session form of sales', () => {
  const sale: Sale = { id: 9, symbol: 'AAPL', shares: '5', price: '120', date: '2024-06-01' };

  it('is [symbol, shares, price, date, id], with the fee after the id', () => {
    expect(encodeSale(sale)).toEqual(['AAPL', '5', '120', '2024-06-01', 9]);
    expect(encodeSale({ ...sale, fee: '1.5' })).toEqual(['AAPL', '5', '120', '2024-06-01', 9, '1.5']);
  });

  it('carries picks as [lotId, shares] pairs, with null for no fee', () => {
    const picked: Sale = {
      ...sale,
      picks: [
        { lotId: 2, shares: '3' },
        { lotId: 4, shares: '2' },
      ],
    };
    expect(encodeSale(picked)).toEqual([
      'AAPL',
      '5',
      '120',
      '2024-06-01',
      9,
      null,
      [
        [2, '3'],
        [4, '2'],
      ],
    ]);
  });
});

describe('decodeLedger', () => {
  it('numbers an old cookie’s holdings 1, 2, 3 in portfolio order, the same on every read', () => {
    const old = {
      portfolio: [
        ['AAPL', '10', '100'],
        ['MSFT', '2', '300', '2023-05-06'],
        { stock_symbol: 'nvda', number_of_shares: '1', purchase_price: '50' },
      ],
    };
    const first = decodeLedger(old);
    expect(first.lots.map((l) => [l.symbol, l.id])).toEqual([
      ['AAPL', 1],
      ['MSFT', 2],
      ['NVDA', 3],
    ]);
    expect(first.nextId).toBe(4);
    expect(decodeLedger(old)).toEqual(first);
    // …and what a write stores reads back the same: the ids shown before the write stay valid.
    expect(decodeLedger({ ...encodeLedger(first) })).toEqual(first);
  });

  it('gives entries without an id the ids after the stored ones and next_id', () => {
    const ledger = decodeLedger({
      portfolio: [
        ['AAPL', '1', '1', null, 5],
        ['MSFT', '1', '1'],
      ],
      next_id: 9,
    });
    expect(ledger.lots.map((l) => l.id)).toEqual([5, 9]);
    expect(ledger.nextId).toBe(10);
  });

  it('appends the seed app’s holding as a lot with a fresh id', () => {
    const ledger = decodeLedger({ portfolio: [['AAPL', '1', '1', null, 2]] }, [
      { symbol: 'SBUX', shares: '3', price: '90' },
    ]);
    expect(ledger.lots.map((l) => [l.symbol, l.id])).toEqual([
      ['AAPL', 2],
      ['SBUX', 3],
    ]);
  });

  it('never lets two records share an id: the later one gets a fresh id', () => {
    const ledger = decodeLedger({
      portfolio: [
        ['AAPL', '1', '1', null, 1],
        ['MSFT', '1', '1', null, 1],
      ],
      sales: [['AAPL', '1', '2', '2024-01-01', 1]],
    });
    expect([...ledger.lots.map((l) => l.id), ...ledger.sales.map((s) => s.id)]).toEqual([1, 2, 3]);
  });

  it('keeps a lot whose fee is unreadable, without the fee, and drops a sale with a bad fee', () => {
    const ledger = decodeLedger({
      portfolio: [['AAPL', '1', '1', '2024-01-01', 1, 'lots']],
      sales: [['AAPL', '1', '2', '2024-02-01', 2, '-1']],
    });
    expect(ledger.lots).toEqual([{ symbol: 'AAPL', shares: '1', price: '1', date: '2024-01-01', id: 1 }]);
    expect(ledger.sales).toEqual([]);
  });

  it('drops a sale whose picks do not add up to its shares', () => {
    const ledger = decodeLedger({ sales: [['AAPL', '2', '2', '2024-02-01', 2, null, [[1, '1']]]] });
    expect(ledger.sales).toEqual([]);
  });

  it('reads anything that is not a list as no records, and never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.jsonValue(), (portfolio, sales, nextId) => {
        const ledger = decodeLedger({ portfolio, sales, next_id: nextId });
        const ids = [...ledger.lots.map((l) => l.id), ...ledger.sales.map((s) => s.id)];
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.every((id) => id < ledger.nextId)).toBe(true);
      }),
    );
  });

  it('round-trips every ledger through the session form', () => {
    fc.assert(
      fc.property(ledgerArbitrary, (ledger: Ledger) => {
        expect(decodeLedger({ ...encodeLedger(ledger) })).toEqual(ledger);
      }),
    );
  });

  it('keeps next_id after the last record goes, so an id is never handed out twice', () => {
    expect(encodeLedger({ lots: [], sales: [], nextId: 8 })).toEqual({ next_id: 8 });
    expect(encodeLedger({ lots: [], sales: [], nextId: 1 })).toEqual({});
  });
});

describe('checkFee', () => {
  it('accepts zero and small fees, refuses negative, over-precise and huge ones', () => {
    const check = (text: string) => checkFee(parseDecimal(text) ?? { units: -1n, scale: 0 });
    expect(check('0')).toBeUndefined();
    expect(check('4.95')).toBeUndefined();
    expect(check('-1')).toBe('negative');
    expect(check('0.00001')).toBe('too-many-decimals');
    expect(check('1000000.01')).toBe('too-large');
  });
});

describe('parseRecordId', () => {
  it('reads plain positive integers only', () => {
    expect(parseRecordId('7')).toBe(7);
    for (const text of ['0', '07', '-1', '1.0', '1e3', '', ' 7', '99999999999999999']) {
      expect(parseRecordId(text)).toBeUndefined();
    }
  });
});
