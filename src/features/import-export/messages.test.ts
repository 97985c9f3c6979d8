import { describe, expect, it } from 'vitest';
import { parseDecimal } from '../../domain/decimal.js';
import type { CsvRowProblem } from '../../domain/ledger-csv.js';
import { feeMessages } from '../../domain/sale-rules.js';
import { sharesMessages, symbolMessages } from '../../domain/stock-fields.js';
import { csvFileMessages, fileProblemMessage, groupProblems, rowProblemMessage } from './messages.js';

const row = (fields: Omit<CsvRowProblem, 'kind' | 'row'>, n = 2): CsvRowProblem => ({
  kind: 'row',
  row: n,
  ...fields,
});

describe('file problems', () => {
  it('names the column at fault in a header we do not know', () => {
    expect(fileProblemMessage({ kind: 'header', unknown: 'ticker' })).toBe(
      `${csvFileMessages.header} ${csvFileMessages.unknownColumn('ticker')}`,
    );
    expect(fileProblemMessage({ kind: 'header', missing: 'price' })).toContain('“price” is missing');
    expect(fileProblemMessage({ kind: 'header', duplicate: 'symbol' })).toContain('“symbol” appears twice');
  });

  it('tells a semicolon file how to save it with commas', () => {
    const message = fileProblemMessage({ kind: 'semicolon-separated' });
    expect(message).toContain('semicolons (;)');
    expect(message).toContain('commas (,) as the separator');
  });

  it('says where text stops being CSV', () => {
    expect(fileProblemMessage({ kind: 'syntax', row: 7, reason: 'unclosed-quote' })).toBe(
      'Row 7: A quoted cell is never closed.',
    );
  });
});

describe('row problems', () => {
  it('words amounts as the forms do, a negative fee as one below zero', () => {
    expect(rowProblemMessage(row({ field: 'shares', problem: 'not-positive' }))).toBe(
      sharesMessages['not-positive'],
    );
    expect(rowProblemMessage(row({ field: 'symbol', problem: 'no-letter' }))).toBe(
      symbolMessages['no-letter'],
    );
    expect(rowProblemMessage(row({ field: 'fee', problem: 'negative' }))).toBe(feeMessages['not-positive']);
  });

  it('says how many shares were held when a sell sells more', () => {
    const available = parseDecimal('2.5');
    if (available === undefined) throw new Error('not a decimal');
    expect(rowProblemMessage(row({ field: 'shares', problem: 'oversold', available }))).toMatch(
      /^Only 2\.5 shares of this symbol were held on the sale date/,
    );
  });

  it('groups problems by row, in row order, a file problem as row 1', () => {
    expect(
      groupProblems([
        row({ field: 'type', problem: 'unknown-type' }, 5),
        row({ field: 'date', problem: 'future' }, 3),
        row({ field: 'source', problem: 'invalid' }, 5),
      ]),
    ).toEqual([
      { row: 3, messages: ['The date is in the future.'] },
      {
        row: 5,
        messages: [
          'The type must be buy, sell or price.',
          'The source must be manual, alpha-vantage, or empty (manual).',
        ],
      },
    ]);
  });

  it('lists a problem with the whole file as row 1', () => {
    expect(groupProblems([{ kind: 'no-rows' }])).toEqual([{ row: 1, messages: [csvFileMessages.noRows] }]);
  });
});
