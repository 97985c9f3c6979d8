import { describe, expect, it } from 'vitest';
import { portfolioCsv } from './csv.js';
import type { Holding } from './portfolio.js';
import {
  CHECK_SLICE_ROWS,
  checkPortfolioCsv,
  checkPortfolioCsvInSlices,
  importMessages,
  MAX_PROBLEM_ROWS,
} from './csv-import.js';
import { dateMessages, sharesMessages, symbolMessages } from './stock-fields.js';

const BOUNDS = { today: '2026-12-01', latest: '2026-12-02' } as const;
const HEADER = 'symbol,shares,purchase_price,purchase_date\r\n';

describe('checkPortfolioCsv', () => {
  it('reads back exactly what the export wrote, undated holdings included', () => {
    const holdings: Holding[] = [
      { symbol: 'AAPL', shares: '15', price: '302.17', date: '2026-03-04' },
      { symbol: 'BRK.B', shares: '1000.5', price: '0.1234' },
      { symbol: '-A', shares: '1', price: '1000000', date: '2026-12-02' },
    ];
    expect(checkPortfolioCsv(portfolioCsv(holdings), BOUNDS)).toEqual({ ok: true, holdings });
  });

  it('applies the form’s leniency: lower case, $, quoted thousands separators, any column order', () => {
    const text = 'Purchase_Price,SYMBOL,shares\n"$1,234.50", aapl ,"1,000"\n';
    expect(checkPortfolioCsv(text, BOUNDS)).toEqual({
      ok: true,
      holdings: [{ symbol: 'AAPL', shares: '1000', price: '1234.5' }],
    });
  });

  it('skips blank rows but keeps counting them', () => {
    const result = checkPortfolioCsv(`${HEADER}AAPL,1,1,\r\n,,,\r\n\r\nMSFT,0,1,\r\n`, BOUNDS);
    expect(result).toEqual({ ok: false, problems: [{ row: 5, messages: [sharesMessages['not-positive']] }] });
  });

  it('lists every bad row with the form’s messages, and returns no holdings', () => {
    const text = `${HEADER}AAPL,15,302.17,\r\n123,-1,1,2026-12-25\r\nMSFT,1,1,2026-02-30\r\nGOOG,1,000,1,\r\n`;
    expect(checkPortfolioCsv(text, BOUNDS)).toEqual({
      ok: false,
      problems: [
        {
          row: 3,
          messages: [symbolMessages['no-letter'], sharesMessages['not-positive'], dateMessages.future],
        },
        { row: 4, messages: ['2026-02-30 is not a date: February 2026 has 28 days.'] },
        { row: 5, messages: [importMessages.cells(4, 5)] },
      ],
    });
  });

  it.each([
    '',
    'AAPL,15,302.17\r\n',
    'symbol,shares\r\nAAPL,1\r\n',
    'symbol,symbol,shares,purchase_price\r\n',
  ])('refuses %j: row 1 must be our header', (text) => {
    expect(checkPortfolioCsv(text, BOUNDS)).toEqual({
      ok: false,
      problems: [{ row: 1, messages: [importMessages.header] }],
    });
  });

  it('refuses a file with a header and no holdings', () => {
    expect(checkPortfolioCsv(HEADER, BOUNDS)).toEqual({
      ok: false,
      problems: [{ row: 2, messages: [importMessages.empty] }],
    });
  });

  it('reports CSV that cannot be read at its row', () => {
    const result = checkPortfolioCsv(`${HEADER}AAPL,1,1,\r\n"MSFT,1,1,\r\n`, BOUNDS);
    expect(!result.ok && result.problems.map((p) => p.row)).toEqual([3]);
  });

  it('reports a bad row found before text that is not CSV, and the CSV error at its row', () => {
    const result = checkPortfolioCsv(`${HEADER}1,1,1,\r\nAAPL,1,1,\r\n"MSFT,1,1,\r\n`, BOUNDS);
    expect(result).toEqual({
      ok: false,
      problems: [
        { row: 2, messages: [symbolMessages['no-letter']] },
        { row: 4, messages: ['A quoted cell is never closed.'] },
      ],
    });
  });

  it(`stops after ${MAX_PROBLEM_ROWS} bad rows and says at which row`, () => {
    const text = HEADER + 'AAPL,1,1,\r\n' + 'x,y,z,w\r\n'.repeat(MAX_PROBLEM_ROWS + 50);
    const result = checkPortfolioCsv(text, BOUNDS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(MAX_PROBLEM_ROWS);
    expect(result.problems[0]?.row).toBe(3);
    expect(result.problems.at(-1)?.row).toBe(MAX_PROBLEM_ROWS + 2);
    expect(result.stoppedAtRow).toBe(MAX_PROBLEM_ROWS + 2);
  });

  it('checks every row of a file with fewer bad rows than the limit', () => {
    const text = HEADER + 'x,y,z,w\r\n'.repeat(MAX_PROBLEM_ROWS - 1);
    const result = checkPortfolioCsv(text, BOUNDS);
    expect(result.ok ? undefined : [result.problems.length, result.stoppedAtRow]).toEqual([
      MAX_PROBLEM_ROWS - 1,
      undefined,
    ]);
  });
});

describe('checkPortfolioCsvInSlices', () => {
  it(`pauses after every ${CHECK_SLICE_ROWS} rows and gives the same result`, async () => {
    const text = HEADER + 'AAPL,1,1,2026-01-02\r\n'.repeat(2 * CHECK_SLICE_ROWS + 10);
    let pauses = 0;
    const result = await checkPortfolioCsvInSlices(text, BOUNDS, () => {
      pauses++;
      return Promise.resolve();
    });
    expect(pauses).toBe(2);
    expect(result).toEqual(checkPortfolioCsv(text, BOUNDS));
    expect(result.ok && result.holdings.length).toBe(2 * CHECK_SLICE_ROWS + 10);
  });

  it('does not pause for a small file', async () => {
    let pauses = 0;
    const result = await checkPortfolioCsvInSlices(`${HEADER}AAPL,1,1,\r\n`, BOUNDS, () => {
      pauses++;
      return Promise.resolve();
    });
    expect([pauses, result.ok]).toEqual([0, true]);
  });
});

describe('checkPortfolioCsv, header and blank rows', () => {
  it('reads a header with spaces and capitals, in any column order', () => {
    const result = checkPortfolioCsv(' Shares , SYMBOL,price\r\n2,aapl,3\r\n', BOUNDS);
    expect(result).toEqual({ ok: true, holdings: [{ symbol: 'AAPL', shares: '2', price: '3' }] });
  });

  it('refuses a header naming a column twice, and an empty file', () => {
    const header = { ok: false, problems: [{ row: 1, messages: [importMessages.header] }] };
    expect(checkPortfolioCsv('symbol,shares,price,stock_symbol\r\nA,1,1,A\r\n', BOUNDS)).toEqual(header);
    expect(checkPortfolioCsv('', BOUNDS)).toEqual(header);
  });

  it('reports a header that is not CSV at row 1', () => {
    expect(checkPortfolioCsv('"symbol,shares,price\r\n', BOUNDS)).toEqual({
      ok: false,
      problems: [{ row: 1, messages: ['A quoted cell is never closed.'] }],
    });
  });

  it('skips rows of spaces and empty cells, and keeps a date of spaces as no date', () => {
    const result = checkPortfolioCsv(`${HEADER}  , ,\t,\r\nAAPL,1,1,  \r\n`, BOUNDS);
    expect(result).toEqual({ ok: true, holdings: [{ symbol: 'AAPL', shares: '1', price: '1' }] });
  });

  it('says how many cells a row should have', () => {
    expect(importMessages.cells(4, 3)).toBe(
      'Expected 4 cells, as in the header, but found 3. A number with a thousands separator must be quoted ("1,000") or written without it.',
    );
  });
});
