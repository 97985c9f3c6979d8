import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { formatCsv, parseCsv } from './csv.js';
import { csvRecords, CsvRecordSyntaxError } from './csv-rows.js';

const cellsOf = (text: string) => Array.from(csvRecords(text), (r) => r.cells);

describe('csvRecords', () => {
  it('reads records one at a time, numbered from 1', () => {
    const records = csvRecords('a,b\r\n"c,""d""",\ne');
    expect(records.next().value).toEqual({ row: 1, cells: ['a', 'b'] });
    expect(records.next().value).toEqual({ row: 2, cells: ['c,"d"', ''] });
    expect(records.next().value).toEqual({ row: 3, cells: ['e'] });
    expect(records.next().done).toBe(true);
  });

  it('says why text is not CSV, and where', () => {
    const reasonOf = (text: string) => {
      try {
        cellsOf(text);
      } catch (error) {
        if (error instanceof CsvRecordSyntaxError) return [error.row, error.reason];
        throw error;
      }
      return undefined;
    };
    expect(reasonOf('a\n"b')).toEqual([2, 'unclosed-quote']);
    expect(reasonOf('"a"b')).toEqual([1, 'text-after-quote']);
  });

  it('reads an empty text as no records and a byte-order mark as nothing', () => {
    expect(cellsOf('')).toEqual([]);
    expect(cellsOf('\uFEFFa\n')).toEqual([['a']]);
  });

  it('agrees with parseCsv on any text parseCsv reads', () => {
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', ',', '"', '\r', '\n', 'é') }),
      fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), { minLength: 1 }).map(formatCsv),
    );
    fc.assert(
      fc.property(text, (input) => {
        let expected: string[][] | undefined;
        try {
          expected = parseCsv(input);
        } catch {
          expected = undefined;
        }
        if (expected === undefined) expect(() => cellsOf(input)).toThrow(CsvRecordSyntaxError);
        else expect(cellsOf(input)).toEqual(input.replace(/^\uFEFF/, '') === '' ? [] : expected);
      }),
    );
  });
});
