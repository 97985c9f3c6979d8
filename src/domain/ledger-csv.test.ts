import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { toCanonicalString } from './decimal.js';
import { ledgerArbitrary } from '../../test/support/ledger-arbitraries.js';
import { EMPTY_LEDGER, type Ledger } from './ledger.js';
import { addLot, editLot, recordSale } from './ledger-changes.js';
import type { CheckResult, CsvProblem } from './ledger-csv.js';
import { applyCsvRecords } from './ledger-csv-apply.js';
import { checkLedgerCsv, checkLedgerCsvNow } from './ledger-csv-check.js';
import { leastStoredRecords } from './ledger-csv-count.js';
import { ledgerCsv } from './ledger-csv-export.js';
import type { PriceBook } from './price-book.js';
import { matchSales, picksOf } from './sales.js';

const dates = { latest: '2026-12-07' };
const check = (text: string): CheckResult => checkLedgerCsvNow(text, { dates });
const problemsOf = (text: string): readonly CsvProblem[] => {
  const result = check(text);
  return result.ok ? [] : result.problems;
};

function ok<T extends { ok: boolean }>(result: T): Extract<T, { ok: true }> {
  if (!result.ok)
    throw new Error(
      `refused: ${JSON.stringify(result, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`,
    );
  return result as Extract<T, { ok: true }>;
}

/** Imports `text` into an empty ledger. */
function importText(text: string, base: Ledger = EMPTY_LEDGER, book: PriceBook = new Map()) {
  return applyCsvRecords(base, book, ok(check(text)).records);
}

/** What the page shows of a ledger, without ids: lots in order, each sale's gain and lots by position. */
function page(ledger: Ledger, order: 'recorded' | 'by-date') {
  const position = new Map(ledger.lots.map((lot, n) => [lot.id, n]));
  const results = matchSales(ledger).sales.map((r, index) => ({ r, index }));
  if (order === 'by-date') {
    results.sort((a, b) =>
      a.r.sale.date < b.r.sale.date ? -1 : a.r.sale.date > b.r.sale.date ? 1 : a.index - b.index,
    );
  }
  return {
    lots: ledger.lots.map((lot) => ({ ...lot, id: 0 })),
    sales: results.map(({ r }) => ({
      symbol: r.sale.symbol,
      shares: r.sale.shares,
      price: r.sale.price,
      date: r.sale.date,
      fee: r.sale.fee,
      gain: toCanonicalString(r.gain),
      lots: picksOf(r)
        .map((p) => `${position.get(p.lotId)}:${p.shares}`)
        .sort(),
    })),
  };
}

describe('export', () => {
  it('writes one row per buy, sell and price, with dates and fees', () => {
    let ledger = ok(
      addLot(EMPTY_LEDGER, { symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02', fee: '4.95' }),
    ).ledger;
    ledger = ok(
      recordSale(ledger, { symbol: 'AAPL', shares: '6', price: '150', date: '2024-06-03', fee: '1' }),
    ).ledger;
    const book: PriceBook = new Map([
      ['AAPL', { price: '120', source: 'alpha-vantage', asOf: '2026-12-04' }],
    ]);
    expect(ledgerCsv(ledger, book)).toBe(
      'type,symbol,shares,price,date,fee,source,lot,sold_from\r\n' +
        'buy,AAPL,10,100,2023-01-02,4.95,,,\r\n' +
        'sell,AAPL,6,150,2024-06-03,1,,,\r\n' +
        'price,AAPL,,120,2026-12-04,,alpha-vantage,,\r\n',
    );
  });

  it('names the lots of a sale only when the import would not choose them itself', () => {
    let ledger = ok(
      addLot(EMPTY_LEDGER, { symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02' }),
    ).ledger;
    ledger = ok(addLot(ledger, { symbol: 'AAPL', shares: '10', price: '200', date: '2024-01-02' })).ledger;
    ledger = ok(
      recordSale(ledger, {
        symbol: 'AAPL',
        shares: '4',
        price: '150',
        date: '2024-06-03',
        picks: [{ lotId: 2, shares: '4' }],
      }),
    ).ledger;
    expect(ledgerCsv(ledger, new Map()).split('\r\n').slice(1, 4)).toEqual([
      'buy,AAPL,10,100,2023-01-02,,,,',
      'buy,AAPL,10,200,2024-01-02,,,2,',
      'sell,AAPL,4,150,2024-06-03,,,,2:4',
    ]);
  });

  it('guards a cell that a spreadsheet would run as a formula', () => {
    const ledger = ok(
      addLot(EMPTY_LEDGER, { symbol: '-A', shares: '1', price: '1', date: '2023-01-02' }),
    ).ledger;
    const text = ledgerCsv(ledger, new Map());
    expect(text).toContain("buy,'-A,1,1");
    expect(ok(importText(text)).ledger.lots[0]?.symbol).toBe('-A');
  });
});

describe('the round trip', () => {
  it('gives back every lot, sale (its gain and its lots) and price (property)', () => {
    fc.assert(
      fc.property(ledgerArbitrary, fc.boolean(), (ledger, priced) => {
        // An empty portfolio exports a bare header, which imports as "no rows": nothing to give back.
        fc.pre(ledger.lots.length > 0);
        const book: PriceBook = new Map(
          priced
            ? [...new Set(ledger.lots.map((l) => l.symbol))].map((s) => [
                s,
                { price: '12.5', source: 'manual' as const, asOf: '2026-01-02' },
              ])
            : [],
        );
        const back = ok(importText(ledgerCsv(ledger, book)));
        expect(page(back.ledger, 'recorded')).toEqual(page(ledger, 'by-date'));
        expect(back.book).toEqual(book);
      }),
    );
  });

  it('keeps a sale on its lots after a change pinned it', () => {
    let ledger = ok(
      addLot(EMPTY_LEDGER, { symbol: 'AAPL', shares: '10', price: '100', date: '2023-01-02' }),
    ).ledger;
    ledger = ok(addLot(ledger, { symbol: 'AAPL', shares: '10', price: '200', date: '2024-01-02' })).ledger;
    ledger = ok(recordSale(ledger, { symbol: 'AAPL', shares: '6', price: '150', date: '2024-06-03' })).ledger;
    ledger = ok(
      editLot(ledger, 2, { symbol: 'AAPL', shares: '10', price: '200', date: '2022-01-02' }),
    ).ledger;
    const back = ok(importText(ledgerCsv(ledger, new Map())));
    expect(page(back.ledger, 'recorded')).toEqual(page(ledger, 'by-date'));
  });
});

describe('import', () => {
  it('still reads today’s files as buys, undated cells as undated lots', () => {
    const back = ok(
      importText(
        'symbol,shares,purchase_price,purchase_date\r\nAAPL,15,302.17,2024-01-02\r\nMSFT,1,"$1,234.50",\r\n',
      ),
    );
    expect(back.ledger.lots).toEqual([
      { symbol: 'AAPL', shares: '15', price: '302.17', date: '2024-01-02', id: 1 },
      { symbol: 'MSFT', shares: '1', price: '1234.5', id: 2 },
    ]);
  });

  it('matches a hand-written file’s sells by date, whatever the row order', () => {
    const text =
      'type,symbol,shares,price,date\nsell,AAPL,5,20,2024-06-01\nbuy,AAPL,5,10,2024-01-01\nsell,AAPL,5,30,2024-03-01\nbuy,AAPL,5,15,2024-02-01\n';
    const back = ok(importText(text));
    expect(matchSales(back.ledger).sales.map((s) => [s.sale.date, toCanonicalString(s.gain)])).toEqual([
      ['2024-03-01', '100'],
      ['2024-06-01', '25'],
    ]);
  });

  it('tells an empty file, a semicolon file, a bare header and a foreign header apart', () => {
    expect(problemsOf('')).toEqual([{ kind: 'empty-file' }]);
    expect(problemsOf('\uFEFF \r\n')).toEqual([{ kind: 'empty-file' }]);
    expect(problemsOf('symbol;shares;purchase_price\nAAPL;1;2\n')).toEqual([{ kind: 'semicolon-separated' }]);
    expect(problemsOf('type,symbol,shares,price,date\n')).toEqual([{ kind: 'no-rows' }]);
    expect(problemsOf('ticker,qty\nA,1\n')).toEqual([{ kind: 'header', unknown: 'ticker' }]);
    expect(problemsOf('type,symbol,shares\nbuy,A,1\n')).toEqual([{ kind: 'header', missing: 'price' }]);
    expect(problemsOf('a,"b\n')).toEqual([{ kind: 'syntax', row: 1, reason: 'unclosed-quote' }]);
  });

  it('reports every row’s problems with row, column and cause', () => {
    const text = [
      'type,symbol,shares,price,date,fee,source',
      'buy,AAPL,0,1,2024-02-30,,',
      'swap,AAPL,1,1,,,',
      'sell,AAPL,1,1,,,',
      'price,AAPL,3,1,2030-01-01,,',
      'buy,AAPL,1',
      'price,AAPL,,1,,,yahoo',
    ].join('\n');
    expect(problemsOf(text)).toEqual([
      { kind: 'row', row: 2, field: 'date', problem: 'invalid' },
      { kind: 'row', row: 2, field: 'shares', problem: 'not-positive' },
      { kind: 'row', row: 3, field: 'type', problem: 'unknown-type' },
      { kind: 'row', row: 4, field: 'date', problem: 'required' },
      { kind: 'row', row: 5, field: 'date', problem: 'future' },
      { kind: 'row', row: 5, field: 'shares', problem: 'not-for-type' },
      { kind: 'row', row: 6, field: undefined, problem: 'cell-count', expected: 7, found: 3 },
      { kind: 'row', row: 7, field: 'source', problem: 'invalid' },
    ]);
  });

  it('refuses a sell of more than was held by its date, and a price without a holding', () => {
    const result = importText(
      'type,symbol,shares,price,date\nbuy,AAPL,5,10,2024-01-01\nsell,AAPL,6,20,2024-06-01\nprice,MSFT,,1,\n',
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(
      result.problems.map((p) => [p.row, p.field, p.problem, p.available && toCanonicalString(p.available)]),
    ).toEqual([
      [3, 'shares', 'oversold', '5'],
      [4, 'symbol', 'no-holding', undefined],
    ]);
  });

  it('lets a file’s sells use the visitor’s lots when adding to them, and never changes their sales', () => {
    const base = ok(
      addLot(EMPTY_LEDGER, { symbol: 'AAPL', shares: '5', price: '10', date: '2024-01-01' }),
    ).ledger;
    const back = ok(importText('type,symbol,shares,price,date\nsell,AAPL,5,20,2024-06-01\n', base));
    expect(matchSales(back.ledger).sales[0]?.allocations.map((a) => a.lotId)).toEqual([1]);
    expect(back.counts).toEqual({ buys: 0, sells: 1, prices: 0 });
  });

  it('checks in slices: the generator yields between every slice of rows', () => {
    const rows = Array.from({ length: 95 }, (_, n) => `buy,A${n % 10 === 0 ? '' : 'B'},1,1,2024-01-01`);
    const check = checkLedgerCsv(['type,symbol,shares,price,date', ...rows].join('\n'), {
      dates,
      sliceRows: 10,
    });
    let slices = 0;
    let step = check.next();
    while (step.done !== true) {
      slices++;
      step = check.next();
    }
    expect(slices).toBe(9);
    expect(step.value.ok).toBe(true);
  });
});

describe('a very bad file', () => {
  it('stops checking after 100 rows with a problem and says where', () => {
    const rows = Array.from({ length: 500 }, () => 'buy,A,0,1,');
    const result = check(['type,symbol,shares,price,date', ...rows].join('\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stoppedAtRow).toBe(101);
    expect(new Set(result.problems.map((p) => (p.kind === 'row' ? p.row : 0))).size).toBe(50);
    expect(result.moreProblems).toBe(50);
  });
});

describe('leastStoredRecords', () => {
  it('counts every row of a version 1 file as a lot', () => {
    expect(leastStoredRecords('symbol,shares,purchase_price\r\nA,1,1\r\n\r\nB,1,1\r\n', 5)).toBe(2);
  });

  it('counts half the rows of a version 2 file beyond the symbols held (prices need a held symbol)', () => {
    const text = `type,symbol,shares,price,date\n${'price,A,,1,\n'.repeat(7)}`;
    expect(leastStoredRecords(text, 0)).toBe(4);
    expect(leastStoredRecords(text, 3)).toBe(2);
    expect(leastStoredRecords(text, 9)).toBe(0);
  });

  it('counts nothing when the header cannot be read: the check says why', () => {
    expect(leastStoredRecords('', 0)).toBe(0);
    expect(leastStoredRecords('a;b\n1;2\n', 0)).toBe(0);
    expect(leastStoredRecords('"a\n', 0)).toBe(0);
  });
});
