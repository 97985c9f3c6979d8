import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countDataRows, csvCell, formatCsv, unguardCell } from './csv.js';
import { csvRecords } from './csv-rows.js';

/** Every record's cells, as the import reads them. */
const parseCsv = (text: string) => Array.from(csvRecords(text), (record) => record.cells);

describe('formatCsv', () => {
  it('ends every row with CRLF and quotes only the cells that need it', () => {
    expect(formatCsv([['a', 'b,c', 'say "hi"', 'two\nlines']])).toBe('a,"b,c","say ""hi""","two\nlines"\r\n');
  });

  it.each(['=1+1', '+1', '-A', '@SUM(A1)', '\tx', '\rx'])(
    'writes %j with a leading apostrophe so no spreadsheet runs it as a formula',
    (value) => {
      expect(csvCell(value).replace(/^"/, '')).toMatch(/^'/);
      expect(unguardCell(parseCsv(formatCsv([[value]]))[0]?.[0] ?? '')).toBe(value);
    },
  );

  it('leaves ordinary cells and apostrophes that guard nothing alone', () => {
    expect(csvCell('AAPL')).toBe('AAPL');
    expect(unguardCell("'AAPL")).toBe("'AAPL");
  });
});

describe('formatCsv and csvRecords', () => {
  it('reads back whatever formatCsv writes', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', ' ', '=', '-') });
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          expect(parseCsv(formatCsv(rows)).map((row) => row.map(unguardCell))).toEqual(rows);
        },
      ),
    );
  });
});

describe('countDataRows', () => {
  const H = 'symbol,shares,purchase_price\r\n';

  it('counts the rows after the header that have something in them', () => {
    expect(countDataRows(`${H}A,1,1\r\n,,,\r\n \t \r\nB,2,2`)).toBe(2);
    expect(countDataRows(`${H}A,1,1\nB,2,2\rC,3,3\r\n\r\n`)).toBe(3);
  });

  it('counts nothing for an empty file or a header alone', () => {
    expect(countDataRows('')).toBe(0);
    expect(countDataRows(H)).toBe(0);
    expect(countDataRows(`\uFEFF${H}\r\n`)).toBe(0);
  });

  it('counts a quoted line break as part of its row, and quotes and spaces alone as blank', () => {
    expect(countDataRows(`${H}"A\r\nB",1,1\r\n`)).toBe(1);
    expect(countDataRows(`${H}"", " ",\u00A0\r\n`)).toBe(0);
  });

  it('never counts more rows than the non-blank rows csvRecords finds after the header', () => {
    const cell = fc.stringMatching(/^[A1 ,"\r\n\u00A0]{0,6}$/).map(csvCell);
    const row = fc.array(cell, { minLength: 1, maxLength: 4 }).map((cells) => cells.join(','));
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.constantFrom('\r\n', '\n'), (rows, end) => {
        const text = [H.trimEnd(), ...rows].join(end) + end;
        const body = parseCsv(text).slice(1);
        const nonBlank = body.filter((cells) => cells.some((c) => c.trim() !== '')).length;
        expect(countDataRows(text)).toBeLessThanOrEqual(nonBlank);
        // Rows of unquoted, non-blank cells are counted exactly.
        if (rows.every((r) => !/["\r\n]/.test(r))) expect(countDataRows(text)).toBe(nonBlank);
      }),
    );
  });

  it('counts a row of a control character that trim keeps, and skips blank lines before the header', () => {
    expect(countDataRows(`${H}\x7F\r\n\f\v,\r\n`)).toBe(1);
    expect(countDataRows(`\r\n${H}A,1,1\r\n`)).toBe(1);
    expect(countDataRows(`${H}\u2003,\u00A0\r\n\u00E9\r\n`)).toBe(1);
  });
});
