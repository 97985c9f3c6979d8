import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseDecimal } from './decimal.js';
import { decodePortfolio } from './portfolio.js';
import {
  checkFee,
  decodeFrozenLedger,
  decodeLedger,
  encodeLedger,
  encodeLot,
  encodeSale,
  lotAmounts,
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

/** Stored amounts as they may be found: the app's canonical text, and what older or other writers left. */
const storedAmountArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(fc.nat({ max: 2_000_000_000 }), fc.nat({ max: 99_999 }), fc.nat({ max: 5 }))
    .map(([whole, fraction, digits]) =>
      digits === 0 ? String(whole) : `${whole}.${String(fraction).padStart(5, '0').slice(0, digits)}`,
    ),
  fc.stringMatching(/^-?0*[0-9]{0,11}(\.[0-9]{0,6})?$/),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', 'e', ' ', '+'), maxLength: 8 }),
  fc.double({ min: -10, max: 2e9, noNaN: true }),
  fc.constantFrom(null, true, [], {}, '1000000000', '1000000', '1000000.0001', '0.00001', '0', '0.0'),
);

/** Stored lots in every layout: old triples and quads, today's entries with an id and fee, dicts. */
const storedLotArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('AAPL', 'brk.b', ' msft ', '0700', '123', 'TOO-LONG-SYMBOL', 'ß', 7),
      storedAmountArbitrary,
      storedAmountArbitrary,
      fc.constantFrom(undefined, null, '2024-02-29', '2023-02-29', 'soon', 20240101),
      fc.constantFrom(undefined, 1, 2, 0, -3, 1.5, '4'),
      fc.constantFrom(undefined, null, '4.95', '0', '-1', 'lots', 2.5, '1000001'),
    )
    .map(([symbol, shares, price, date, id, fee]) => {
      const entry: unknown[] = [symbol, shares, price];
      if (date !== undefined || id !== undefined || fee !== undefined) entry.push(date);
      if (id !== undefined || fee !== undefined) entry.push(id);
      if (fee !== undefined) entry.push(fee);
      return entry;
    }),
  fc.record({
    stock_symbol: fc.constantFrom('AAPL', 'nvda'),
    number_of_shares: storedAmountArbitrary,
    purchase_price: storedAmountArbitrary,
  }),
  fc.jsonValue(),
);

describe('decodeFrozenLedger', () => {
  it('reads every lot as decodeLedger does, frozen, with the amounts lotAmounts would parse', () => {
    fc.assert(
      fc.property(fc.array(storedLotArbitrary, { maxLength: 8 }), fc.jsonValue(), (portfolio, nextId) => {
        const raw = { portfolio, next_id: nextId };
        const frozen = decodeFrozenLedger(raw);
        expect(frozen).toEqual(decodeLedger(raw));
        expect(Object.isFrozen(frozen) && Object.isFrozen(frozen.lots)).toBe(true);
        expect(frozen.lots.every((l) => Object.isFrozen(l))).toBe(true);
        // The amounts served for the frozen lots are those of a fresh parse of unfrozen copies.
        expect(lotAmounts(frozen.lots)).toEqual(lotAmounts(frozen.lots.map((l) => ({ ...l }))));
        expect(lotAmounts(frozen.lots)).toBe(lotAmounts(frozen.lots));
      }),
      { numRuns: 500 },
    );
  });

  it('reads the first four elements of a lot by the holding reader’s rules, in every layout', () => {
    fc.assert(
      fc.property(storedLotArbitrary, (entry) => {
        const [lot] = decodeFrozenLedger({ portfolio: [entry] }).lots;
        const fields =
          Array.isArray(entry) && entry.length >= 5
            ? [[entry[0], entry[1], entry[2], (entry[3] as unknown) ?? '']]
            : [entry];
        const [holding] = decodePortfolio(fields);
        if (holding === undefined) expect(lot).toBeUndefined();
        else expect(lot).toMatchObject(holding);
        if (holding !== undefined && holding.date === undefined) expect(lot).not.toHaveProperty('date');
      }),
      { numRuns: 1000 },
    );
  });

  it('numbers lots as decodeLedger does, the seed app’s holding last', () => {
    const ledger = decodeFrozenLedger(
      {
        portfolio: [
          ['AAPL', '1', '1', null, 5],
          ['MSFT', '1', '1'],
        ],
        next_id: 9,
      },
      [{ symbol: 'SBUX', shares: '3', price: '90' }],
    );
    expect(ledger.lots.map((l) => [l.symbol, l.id])).toEqual([
      ['AAPL', 5],
      ['MSFT', 9],
      ['SBUX', 10],
    ]);
    expect(lotAmounts(ledger.lots).map((a) => a.cost)).toEqual([
      { units: 1n, scale: 0 },
      { units: 1n, scale: 0 },
      { units: 270n, scale: 0 },
    ]);
  });

  it('reads tens of thousands of ids without spreading them into one call', () => {
    const portfolio = Array.from({ length: 200_000 }, (_, i) => ['A', '1', '1', null, i + 1]);
    expect(decodeFrozenLedger({ portfolio }).nextId).toBe(200_001);
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
