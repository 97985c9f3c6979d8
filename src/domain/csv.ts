/**
 * CSV, as RFC 4180 writes it, and the portfolio's CSV layout.
 *
 * Writing: CRLF line ends; a field is quoted (with `"` doubled) only when it holds `,`, `"`, CR or
 * LF. Reading is lenient where spreadsheets differ: LF or CRLF line ends, a UTF-8 byte-order mark,
 * a missing final line end.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-` or `@` (and some read a leading tab or CR the same way) as a formula, quoted or not. Of our
 * columns, amounts are canonical positive decimals and dates `YYYY-MM-DD`, so they start with a
 * digit by construction; but a symbol may start with `-` (`-A` passes the symbol rule, and old
 * cookies may hold one). So every such cell is written with a leading `'`, which spreadsheets read
 * as "text", and {@link readPortfolioCells} removes it again. `'` is in no valid symbol or amount,
 * so the escape is unambiguous and the round trip exact.
 * @module
 */
import type { Holding } from './portfolio.js';

/** The portfolio's columns, in export order; also the header row. */
export const CSV_COLUMNS = ['symbol', 'shares', 'purchase_price', 'purchase_date'] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** Header names accepted on import for each column: ours, and the form's field names. */
export const CSV_COLUMN_ALIASES: Readonly<Record<CsvColumn, readonly string[]>> = Object.freeze({
  symbol: ['symbol', 'stock_symbol'],
  shares: ['shares', 'number_of_shares'],
  purchase_price: ['purchase_price', 'price'],
  purchase_date: ['purchase_date', 'date'],
});

// Sticky: matches at lastIndex only, so a 1 MiB file is scanned once, not sliced per cell.
const UNQUOTED = /[^,\r\n]*/y;
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, guarded against formula injection and quoted when RFC 4180 requires it. */
export function csvCell(value: string): string {
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Rows as CSV text, each line ended by CRLF. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}

/** The portfolio as CSV: a header, then one row per holding in portfolio order; no date is an empty cell. */
export function portfolioCsv(holdings: readonly Holding[]): string {
  return formatCsv([CSV_COLUMNS, ...holdings.map((h) => [h.symbol, h.shares, h.price, h.date ?? ''])]);
}

/** Text that is not CSV: where it went wrong, for the visitor. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  /** 1-based row (record) number. */
  readonly row: number;
  constructor(row: number, message: string) {
    super(message);
    this.row = row;
  }
}

/**
 * Splits CSV text into rows of cells (RFC 4180, leniently; see the module comment).
 * @throws CsvSyntaxError for a quote that is never closed or text right after a closing quote.
 * @example `parseCsv('a,"b,""c"""\r\n')` → `[['a', 'b,"c"']]`
 */
export function parseCsv(text: string): string[][] {
  return Array.from(csvRecords(text));
}

/**
 * The records of `text` one at a time, as {@link parseCsv} reads them: a caller can stop early or
 * pause between records, and holds no more of the file's rows than it keeps.
 * @throws {CsvSyntaxError} when it reaches text that is not CSV (the records before it are yielded).
 */
export function* csvRecords(text: string): Generator<string[], void, undefined> {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let record = 1;
  let row: string[] = [];
  let i = 0;
  while (i <= input.length) {
    let cell = '';
    if (input[i] === '"') {
      i++;
      for (;;) {
        const quote = input.indexOf('"', i);
        if (quote < 0) throw new CsvSyntaxError(record, 'A quoted cell is never closed.');
        cell += input.slice(i, quote);
        i = quote + 1;
        if (input[i] !== '"') break;
        cell += '"';
        i++;
      }
      if (i < input.length && !',\r\n'.includes(input[i] ?? '')) {
        throw new CsvSyntaxError(record, 'A closing quote must end its cell.');
      }
    } else {
      UNQUOTED.lastIndex = i;
      cell = UNQUOTED.exec(input)?.[0] ?? '';
      i += cell.length;
    }
    row.push(cell);
    const separator = input[i];
    if (separator === ',') {
      i++;
      continue;
    }
    yield row;
    row = [];
    record++;
    if (separator === '\r' && input[i + 1] === '\n') i += 2;
    else i++;
    // A final line end does not start another row.
    if (i >= input.length) break;
  }
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
const SPACE = /\s/;

/** Whitespace as `String.prototype.trim` sees it (a cell of only this is blank). */
const isSpace = (code: number) =>
  code === 32 || (code >= 9 && code <= 13) || (code > 127 && SPACE.test(String.fromCharCode(code)));

/**
 * A cheap lower bound on the rows of holdings in `text`: the records, header included, with a
 * character other than whitespace, `,` or `"` in them, minus one for the header. One pass over the
 * characters, no cell or row kept, so an upload can be weighed before it is read. Never more than
 * the non-blank rows {@link csvRecords} yields after the header, so a file refused by this count
 * could not have fitted.
 */
export function countDataRows(text: string): number {
  let records = 0;
  let content = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) quoted = !quoted;
    else if (!quoted && (code === LF || code === CR)) {
      if (content) records++;
      content = false;
    } else if (code !== COMMA && !isSpace(code)) {
      content = true;
    }
  }
  if (content) records++;
  return Math.max(0, records - 1);
}

/** Removes the formula guard {@link csvCell} adds: `'-A` is `-A` again. */
export function unguardCell(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
