/**
 * Edges of checking an import file (`checkLedgerCsvNow`) that `ledger-csv.test.ts` does not reach:
 * each cell's grammar (numbers, money, fees, dates and their bounds, lot labels, sold_from),
 * header aliases and duplicates, cells that do not belong to a row type, and the problem limits.
 */
import { describe, expect, it } from 'vitest';

import type { CheckResult, CsvProblem, CsvRecords } from './ledger-csv.js';
import { checkLedgerCsvNow } from './ledger-csv-check.js';

const dates = { latest: '2026-12-07', earliest: '1970-01-01' };
const HEADER = 'type,symbol,shares,price,date,fee,source,lot,sold_from';
const check = (text: string): CheckResult => checkLedgerCsvNow(text, { dates });
const problemsOf = (...rows: string[]): readonly CsvProblem[] => {
  const result = check([HEADER, ...rows].join('\n'));
  return result.ok ? [] : result.problems;
};
/** The problems of one row, as [field, code]. */
const rowProblems = (row: string) =>
  problemsOf(row).map((p) => (p.kind === 'row' ? [p.field, p.problem] : [p.kind]));
const recordsOf = (...rows: string[]): CsvRecords => {
  const result = check([HEADER, ...rows].join('\n'));
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  return result.records;
};

describe('number cells', () => {
  it('reads thousands separators in groups of three, a leading dot, and a $ on money only', () => {
    const { buys } = recordsOf('buy,A,"1,234.5",$.5,2024-01-01,$1,,,', 'buy,B,0.25,"$1,000,000",,,,,');
    expect(buys.map((b) => b.fields)).toStrictEqual([
      { symbol: 'A', shares: '1234.5', price: '0.5', date: '2024-01-01', fee: '1' },
      { symbol: 'B', shares: '0.25', price: '1000000' },
    ]);
  });

  it('refuses what is not a number in that grammar', () => {
    for (const shares of ['"0,500"', '"1,23"', '$1', '1.', '1e3', '--1', 'x', '"12,34,567"']) {
      expect(rowProblems(`buy,A,${shares},1,,,,,`), shares).toEqual([['shares', 'invalid']]);
    }
    expect(rowProblems('buy,A,1,$$1,,,,,')).toEqual([['price', 'invalid']]);
  });

  it('says required for an empty amount, and not-positive for a minus sign', () => {
    expect(rowProblems('buy,A, ,1,,,,,')).toEqual([['shares', 'required']]);
    expect(rowProblems('buy,A,1,,,,,,')).toEqual([['price', 'required']]);
    expect(rowProblems('buy,A,1,-2,,,,,')).toEqual([['price', 'not-positive']]);
    expect(rowProblems('buy,A,-1,2,,,,,')).toEqual([['shares', 'not-positive']]);
  });

  it('reads an empty or zero fee as no fee, and refuses a negative one', () => {
    const { buys } = recordsOf('buy,A,1,1,,0,,,', 'buy,B,1,1,, ,,,', 'buy,C,1,1,,0.10,,,');
    expect(buys.map((b) => b.fields.fee)).toEqual([undefined, undefined, '0.1']);
    expect(buys.map((b) => 'fee' in b.fields)).toEqual([false, false, true]);
    expect(rowProblems('buy,A,1,1,,-1,,,')).toEqual([['fee', 'negative']]);
    expect(rowProblems('buy,A,1,1,,abc,,,')).toEqual([['fee', 'invalid']]);
  });
});

describe('date cells', () => {
  it('accepts the latest and the earliest day, and refuses one past either', () => {
    const { buys } = recordsOf(
      'buy,A,1,1,2026-12-07,,,,',
      'buy,A,1,1,1970-01-01,,,,',
      'buy,A,1,1, 2024-01-01 ,,,,',
    );
    expect(buys.map((b) => b.fields.date)).toEqual(['2026-12-07', '1970-01-01', '2024-01-01']);
    expect(rowProblems('buy,A,1,1,2026-12-08,,,,')).toEqual([['date', 'future']]);
    expect(rowProblems('buy,A,1,1,1969-12-31,,,,')).toEqual([['date', 'too-early']]);
    expect(rowProblems('buy,A,1,1,12/31/2024,,,,')).toEqual([['date', 'invalid']]);
  });

  it('has no floor without an earliest date', () => {
    const result = checkLedgerCsvNow(`${HEADER}\nbuy,A,1,1,1900-01-01,,,,`, {
      dates: { latest: '2026-12-07' },
    });
    expect(result.ok ? result.records.buys[0]?.fields.date : result.problems).toBe('1900-01-01');
  });
});

describe('row types', () => {
  it('reads the type in any case, and says required or unknown otherwise', () => {
    const records = recordsOf('BUY,a,1,1,2024-01-01,,,,', ' Sell ,a,1,2,2024-02-01,,,,', 'Price,a,,3,,,,,');
    expect([records.buys.length, records.sells.length, records.prices.length]).toEqual([1, 1, 1]);
    expect(records.buys[0]?.fields.symbol).toBe('A');
    expect(rowProblems(',A,1,1,,,,,')).toEqual([['type', 'required']]);
    expect(rowProblems('hold,A,1,1,,,,,')).toEqual([['type', 'unknown-type']]);
  });

  it('reads a price row with its source (manual when empty) and date when given', () => {
    const { prices } = recordsOf('price,A,,5,2024-01-01,,,,', 'price,B,,6,,,Alpha-Vantage,,');
    expect(prices).toStrictEqual([
      { row: 2, symbol: 'A', price: { price: '5', source: 'manual', asOf: '2024-01-01' } },
      { row: 3, symbol: 'B', price: { price: '6', source: 'alpha-vantage' } },
    ]);
  });

  it('refuses cells that do not belong to the row type', () => {
    expect(rowProblems('price,A,1,5,,1,,x,x:1')).toEqual([
      ['shares', 'not-for-type'],
      ['fee', 'not-for-type'],
      ['lot', 'not-for-type'],
      ['sold_from', 'not-for-type'],
    ]);
    expect(rowProblems('buy,A,1,5,,,manual,,x:1')).toEqual([
      ['source', 'not-for-type'],
      ['sold_from', 'not-for-type'],
    ]);
    expect(rowProblems('sell,A,1,5,2024-01-01,,,x,')).toEqual([['lot', 'not-for-type']]);
  });

  it('keeps no record of a price row with a bad symbol or price', () => {
    expect(rowProblems('price,,,5,,,,,')).toEqual([['symbol', 'empty']]);
    expect(rowProblems('price,A,,5,,,yahoo,,')).toEqual([['source', 'invalid']]);
    expect(rowProblems('price,A,,x,,,,,')).toEqual([['price', 'invalid']]);
  });
});

describe('lot labels and sold_from', () => {
  it('keeps a buy’s label, trimmed, and refuses a bad or repeated one', () => {
    const { buys } = recordsOf('buy,A,1,1,,,,  l-1.x_2 ,', 'buy,A,1,1,,,,,');
    expect(buys.map((b) => b.label)).toEqual(['l-1.x_2', undefined]);
    expect(rowProblems('buy,A,1,1,,,,a b,')).toEqual([['lot', 'invalid']]);
    expect(rowProblems(`buy,A,1,1,,,,${'x'.repeat(21)},`)).toEqual([['lot', 'invalid']]);
    expect(problemsOf('buy,A,1,1,,,,L,', 'buy,A,1,1,,,,L,')).toEqual([
      { kind: 'row', row: 3, field: 'lot', problem: 'duplicate' },
    ]);
  });

  it('reads sold_from pairs separated by any spaces, canonical', () => {
    const { sells } = recordsOf('sell,A,3,1,2024-01-01,,,, a:1.50   b:1.5 ');
    expect(sells[0]?.soldFrom).toEqual([
      { label: 'a', shares: '1.5' },
      { label: 'b', shares: '1.5' },
    ]);
    expect(recordsOf('sell,A,3,1,2024-01-01,,,,').sells[0]?.soldFrom).toBeUndefined();
  });

  it('refuses a sold_from that is not label:shares, or whose shares are not positive or do not add up', () => {
    for (const soldFrom of ['a', 'a:', ':1', 'a:x', 'a:0', 'a:-1', '"a:1,b"', 'a:1;b:2']) {
      expect(rowProblems(`sell,A,1,1,2024-01-01,,,,${soldFrom}`), soldFrom).toEqual([
        ['sold_from', 'invalid'],
      ]);
    }
    expect(rowProblems('sell,A,3,1,2024-01-01,,,,a:1 b:1')).toEqual([['sold_from', 'picks-total']]);
    expect(rowProblems('sell,A,3,1,2024-01-01,,,,a:2 b:2')).toEqual([['sold_from', 'picks-total']]);
  });

  it('reads a sell with its fee, and requires its date only when the rest is readable', () => {
    const { sells } = recordsOf('sell,A,2,3,2024-01-01,0.5,,,');
    expect(sells).toEqual([
      {
        row: 2,
        fields: { symbol: 'A', shares: '2', price: '3', date: '2024-01-01', fee: '0.5' },
        soldFrom: undefined,
      },
    ]);
    expect(recordsOf('sell,A,2,3,2024-01-01,,,,').sells[0]?.fields).toStrictEqual({
      symbol: 'A',
      shares: '2',
      price: '3',
      date: '2024-01-01',
    });
    expect(rowProblems('sell,A,0,3,,,,,')).toEqual([['shares', 'not-positive']]);
  });
});

describe('the header', () => {
  it('reads version 1 and form names, any case and spacing, in any order', () => {
    const result = check(' Purchase_Date ,STOCK_SYMBOL,number_of_shares,purchase_price\n2024-01-01,a,2,3\n');
    expect(result.ok ? result.records.buys.map((b) => b.fields) : result.problems).toEqual([
      { symbol: 'A', shares: '2', price: '3', date: '2024-01-01' },
    ]);
  });

  it('names a column given twice, and the missing one of each version', () => {
    expect(check('symbol,shares,price,purchase_price\nA,1,1,1\n')).toEqual({
      ok: false,
      problems: [{ kind: 'header', duplicate: 'purchase_price' }],
      moreProblems: 0,
    });
    expect(check('symbol,price\nA,1\n')).toMatchObject({ problems: [{ kind: 'header', missing: 'shares' }] });
    expect(check('type,price\nbuy,1\n')).toMatchObject({ problems: [{ kind: 'header', missing: 'symbol' }] });
    expect(check('type,symbol\nbuy,A\n')).toMatchObject({ problems: [{ kind: 'header', missing: 'price' }] });
    expect(check('symbol,shares\nA,1\n')).toMatchObject({ problems: [{ kind: 'header', missing: 'price' }] });
  });

  it('reads a one-cell header without a semicolon as a header', () => {
    expect(check('symbol\nA\n')).toMatchObject({ problems: [{ kind: 'header', missing: 'shares' }] });
  });

  it('skips blank rows, and a file of blank rows has no rows', () => {
    expect(recordsOf(',,,,,,,,', 'buy,A,1,1,,,,,').buys.map((b) => b.row)).toEqual([3]);
    expect(check(`${HEADER}\n , ,,,,,,,\n`)).toEqual({
      ok: false,
      problems: [{ kind: 'no-rows' }],
      moreProblems: 0,
    });
  });
});

describe('problem limits', () => {
  const bad = (n: number) => Array.from({ length: n }, () => 'buy,A,0,1,,,,,');

  it('keeps maxProblems problems and counts the rest', () => {
    const result = checkLedgerCsvNow([HEADER, ...bad(5)].join('\n'), { dates, maxProblems: 3 });
    expect(result).toMatchObject({ ok: false, moreProblems: 2 });
    expect(result.ok ? 0 : result.problems.length).toBe(3);
    expect(result.ok ? undefined : result.stoppedAtRow).toBeUndefined();
  });

  it('stops at the row that reaches maxProblemRows, counting a row with two problems once', () => {
    const rows = ['buy,A,0,-1,,,,,', ...bad(3)];
    const result = checkLedgerCsvNow([HEADER, ...rows].join('\n'), { dates, maxProblemRows: 3 });
    expect(result).toMatchObject({ ok: false, moreProblems: 0, stoppedAtRow: 4 });
    expect(result.ok ? 0 : result.problems.length).toBe(4);
    const exactly = checkLedgerCsvNow([HEADER, ...bad(3)].join('\n'), { dates, maxProblemRows: 4 });
    expect(exactly.ok ? undefined : exactly.stoppedAtRow).toBeUndefined();
  });
});
