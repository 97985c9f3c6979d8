import { describe, expect, it } from 'vitest';

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

  it('reads quoted cells with commas, doubled quotes and line breaks', () => {
    expect(cellsOf('a,"b,""c""","d\r\ne"\r\nf,,\r\n')).toEqual([
      ['a', 'b,"c"', 'd\r\ne'],
      ['f', '', ''],
    ]);
  });

  it('ends a row at CR, LF or CRLF, and needs no final line end', () => {
    expect(cellsOf('a\rb\nc\r\nd')).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(cellsOf('a,"b"')).toEqual([['a', 'b']]);
  });

  it('yields the records before text that is not CSV, then throws at its row', () => {
    const records = csvRecords('a,b\r\n"c\r\n');
    expect(records.next().value).toEqual({ row: 1, cells: ['a', 'b'] });
    expect(() => records.next()).toThrow(CsvRecordSyntaxError);
  });
});
