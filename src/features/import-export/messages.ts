/**
 * What the import says about a file it refuses: one sentence per problem found by the CSV check
 * (`domain/ledger-csv*.ts`), grouped by row. The amount messages are the forms' own, so a cell
 * and a field are told the same thing.
 * @module
 */
import { formatQuantity } from '../../domain/decimal.js';
import {
  LEDGER_CSV_COLUMNS,
  type CsvFileProblem,
  type CsvProblem,
  type CsvRowProblem,
} from '../../domain/ledger-csv.js';
import { feeMessages, salePriceMessages } from '../../domain/sale-rules.js';
import {
  EARLIEST_TRADE_DATE,
  sharesMessages,
  symbolMessages,
  type AmountMessages,
} from '../../domain/stock-fields.js';

/** One row's problems, as the page lists them. */
export interface RowProblems {
  /** 1-based, the header being row 1: the row number a spreadsheet shows. */
  readonly row: number;
  readonly messages: readonly string[];
}

const V2_HEADER = LEDGER_CSV_COLUMNS.join(',');
const V1_HEADER = 'symbol,shares,purchase_price,purchase_date';

/** Messages about the file as a whole, defined once for the page and the tests. */
export const csvFileMessages = Object.freeze({
  empty:
    'The file is empty: there is nothing to import. Choose the file Export CSV saved, or one with a header row and a row per buy, sell or price.',
  noRows: 'The file has a header row but nothing after it: there is nothing to import.',
  semicolons:
    'The cells of this file are separated by semicolons (;), as spreadsheets set to many European languages save CSV. Save it again as CSV with commas (,) as the separator (in LibreOffice: Save As, tick “Edit filter settings”, field delimiter “,”; in Excel: File › Export as “CSV UTF-8 (Comma delimited)”), and use “.” for decimals.',
  header: `Row 1 must be the header: ${V2_HEADER} (as Export CSV writes it), or ${V1_HEADER} (files exported before sales, still read as buys).`,
  unknownColumn: (name: string) => `“${name}” is not a column this import knows.`,
  duplicateColumn: (name: string) => `The column “${name}” appears twice.`,
  missingColumn: (name: string) => `The column “${name}” is missing.`,
  syntax: {
    'unclosed-quote': 'A quoted cell is never closed.',
    'text-after-quote': 'A closing quote must end its cell.',
  },
  cells: (expected: number, found: number) =>
    `Expected ${expected} cells, as in the header, but found ${found}. A number with a thousands separator must be quoted ("1,000") or written without it.`,
});

/** Messages about a price cell: the forms' wording fits buys and sells alike. */
const priceMessages: AmountMessages = Object.freeze({
  ...salePriceMessages,
  required: 'Enter the price per share (for example 302.17).',
  invalid: 'Enter the price in digits, with an optional $ (for example 302.17 or $1,234.50).',
});

const dateMessages = Object.freeze({
  required: 'A sell row needs its sale date.',
  invalid: 'Write the date as YYYY-MM-DD, a day that exists (for example 2026-03-04).',
  future: 'The date is in the future.',
  'too-early': `The date is before ${EARLIEST_TRADE_DATE}, the earliest date this app records.`,
});

/** The file-level problem as the page's one message. */
export function fileProblemMessage(problem: CsvFileProblem): string {
  switch (problem.kind) {
    case 'empty-file':
      return csvFileMessages.empty;
    case 'no-rows':
      return csvFileMessages.noRows;
    case 'semicolon-separated':
      return csvFileMessages.semicolons;
    case 'syntax':
      return `Row ${problem.row}: ${csvFileMessages.syntax[problem.reason]}`;
    case 'header': {
      const detail =
        problem.unknown !== undefined
          ? csvFileMessages.unknownColumn(problem.unknown)
          : problem.duplicate !== undefined
            ? csvFileMessages.duplicateColumn(problem.duplicate)
            : problem.missing !== undefined
              ? csvFileMessages.missingColumn(problem.missing)
              : '';
      return `${csvFileMessages.header} ${detail}`.trim();
    }
  }
}

function amountMessage(messages: AmountMessages, code: string): string | undefined {
  return code === 'negative' ? messages['not-positive'] : (messages as Record<string, string>)[code];
}

/** One cell's (or row's) problem as a sentence. */
export function rowProblemMessage(problem: CsvRowProblem): string {
  const { field, problem: code } = problem;
  if (code === 'cell-count') return csvFileMessages.cells(problem.expected ?? 0, problem.found ?? 0);
  if (code === 'not-for-type') return `Leave the ${field ?? ''} cell empty on a row of this type.`;
  switch (field) {
    case 'type':
      return 'The type must be buy, sell or price.';
    case 'symbol':
      if (code === 'no-holding')
        return 'There is no buy of this symbol in the file or your portfolio, so it cannot have a current price.';
      if (code === 'duplicate-price') return 'This symbol already has a price row above: keep one.';
      return (symbolMessages as unknown as Record<string, string>)[code] ?? symbolMessages.invalid;
    case 'shares':
      if (code === 'oversold') {
        const held = problem.available === undefined ? '0' : formatQuantity(problem.available);
        return `Only ${held} shares of this symbol were held on the sale date (with the rows above and your holdings): sell at most that many.`;
      }
      return amountMessage(sharesMessages, code) ?? sharesMessages.invalid;
    case 'price':
      return amountMessage(priceMessages, code) ?? priceMessages.invalid;
    case 'fee':
      return amountMessage(feeMessages, code) ?? feeMessages.invalid;
    case 'date':
      return (dateMessages as Record<string, string>)[code] ?? dateMessages.invalid;
    case 'source':
      return 'The source must be manual, alpha-vantage, or empty (manual).';
    case 'lot':
      return code === 'duplicate'
        ? 'This lot label is on another buy row too: each label names one buy.'
        : 'A lot label is 1–20 letters, digits, “.”, “_” or “-”.';
    case 'sold_from':
      switch (code) {
        case 'unknown-lot':
          return 'sold_from names a lot label that no buy row in the file has.';
        case 'other-symbol':
          return 'sold_from names a lot of another symbol.';
        case 'bought-after-sale':
          return 'sold_from names a lot bought after the sale date.';
        case 'not-enough':
          return 'The lots in sold_from do not have that many shares left on the sale date.';
        case 'picks-total':
          return 'The shares in sold_from must add up to the shares sold.';
        default:
          return 'Write sold_from as label:shares pairs separated by spaces (for example 3:10 7:2.5).';
      }
    case undefined:
      return 'This row has a problem.';
  }
}

/** Problems of a refused file grouped by row, rows in order; a file-level problem as row 1's. */
export function groupProblems(problems: readonly CsvProblem[]): RowProblems[] {
  const byRow = new Map<number, string[]>();
  for (const problem of problems) {
    const row = problem.kind === 'row' ? problem.row : problem.kind === 'syntax' ? problem.row : 1;
    const message = problem.kind === 'row' ? rowProblemMessage(problem) : fileProblemMessage(problem);
    const messages = byRow.get(row);
    if (messages === undefined) byRow.set(row, [message]);
    else messages.push(message);
  }
  return [...byRow].sort((a, b) => a[0] - b[0]).map(([row, messages]) => ({ row, messages }));
}
