import { describe, expect, it } from 'vitest';
import { portfolioCsv } from './csv.js';
import type { Holding } from './portfolio.js';
import { checkPortfolioCsv, importMessages } from './csv-import.js';
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
        { row: 4, messages: [dateMessages.invalid] },
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
});
