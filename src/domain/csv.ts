/**
 * CSV, as RFC 4180 writes it: cells, rows, and a cheap count of an upload's rows. Reading records
 * is `csv-rows.ts`; the portfolio's layout is `ledger-csv.ts`.
 *
 * Writing: CRLF line ends; a field is quoted (with `"` doubled) only when it holds `,`, `"`, CR or
 * LF.
 *
 * Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
 * `-` or `@` (and some read a leading tab or CR the same way) as a formula, quoted or not. Of our
 * columns, amounts are canonical positive decimals and dates `YYYY-MM-DD`, so they start with a
 * digit by construction; but a symbol may start with `-` (`-A` passes the symbol rule, and old
 * cookies may hold one). So every such cell is written with a leading `'`, which spreadsheets read
 * as "text", and {@link unguardCell} removes it again. `'` is in no valid symbol or amount,
 * so the escape is unambiguous and the round trip exact.
 * @module
 */
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
 * the non-blank rows `csvRecords` (`csv-rows.ts`) yields after the header, so a file refused by this count
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
