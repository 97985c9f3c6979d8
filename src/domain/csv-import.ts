/**
 * Checking an uploaded portfolio CSV: every row through the add-stock form's own rules
 * (`parseStockForm`), so a file can hold nothing the form would refuse, and every problem is
 * reported with its row number at once.
 *
 * One deliberate difference: an empty `purchase_date` cell stays empty (no date), where the form
 * fills in today. The export writes an empty cell for a holding saved before dates existed, and
 * export → import must give the same portfolio, not one with invented dates.
 * @module
 */
import {
  CSV_COLUMN_ALIASES,
  CSV_COLUMNS,
  CsvSyntaxError,
  parseCsv,
  unguardCell,
  type CsvColumn,
} from './csv.js';
import type { Holding } from './portfolio.js';
import { parseStockForm } from './stock-rules.js';
import { type FieldName, type PurchaseDateBounds } from './stock-fields.js';

/** The form field each column is checked as. */
const FIELD_OF: Readonly<Record<CsvColumn, FieldName>> = {
  symbol: 'stock_symbol',
  shares: 'number_of_shares',
  purchase_price: 'purchase_price',
  purchase_date: 'purchase_date',
};

/** Columns a file must have; the date may be left out entirely. */
const REQUIRED_COLUMNS: readonly CsvColumn[] = ['symbol', 'shares', 'purchase_price'];

/** Messages about the file as a whole. */
export const importMessages = Object.freeze({
  header: `Row 1 must be the header: ${CSV_COLUMNS.join(',')} (purchase_date may be left out).`,
  empty: 'The file has no holdings: after the header there is no row to import.',
  cells: (expected: number, found: number) =>
    `Expected ${expected} cells, as in the header, but found ${found}. A number with a thousands separator must be quoted ("1,000") or written without it.`,
});

/** One row's problems. */
export interface RowProblem {
  /** 1-based, the header being row 1: the row number a spreadsheet shows. */
  readonly row: number;
  readonly messages: readonly string[];
}

/** The outcome of {@link checkPortfolioCsv}. */
export type ImportResult =
  | { readonly ok: true; readonly holdings: readonly Holding[] }
  | { readonly ok: false; readonly problems: readonly RowProblem[] };

/** Which cell holds each column, from the header row; undefined when the header is not ours. */
function columnsOf(header: readonly string[]): Partial<Record<CsvColumn, number>> | undefined {
  const found: Partial<Record<CsvColumn, number>> = {};
  for (const [index, raw] of header.entries()) {
    const name = raw.trim().toLowerCase();
    const column = CSV_COLUMNS.find((c) => CSV_COLUMN_ALIASES[c].includes(name));
    if (column === undefined || found[column] !== undefined) return undefined;
    found[column] = index;
  }
  return REQUIRED_COLUMNS.every((c) => found[c] !== undefined) ? found : undefined;
}

const isBlank = (row: readonly string[]) => row.every((cell) => cell.trim() === '');

/**
 * Reads a portfolio CSV (as {@link portfolioCsv} writes it, or as a spreadsheet saves it).
 * All or nothing: any bad row makes the result a list of problems, and no holding is returned.
 */
export function checkPortfolioCsv(text: string, bounds: PurchaseDateBounds): ImportResult {
  let rows: string[][];
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return { ok: false, problems: [{ row: error.row, messages: [error.message] }] };
  }
  const [header = [], ...body] = rows;
  const columns = columnsOf(header);
  if (columns === undefined) return { ok: false, problems: [{ row: 1, messages: [importMessages.header] }] };

  const holdings: Holding[] = [];
  const problems: RowProblem[] = [];
  body.forEach((cells, offset) => {
    const row = offset + 2;
    if (isBlank(cells)) return;
    if (cells.length !== header.length) {
      problems.push({ row, messages: [importMessages.cells(header.length, cells.length)] });
      return;
    }
    const form: Partial<Record<FieldName, string>> = {};
    for (const column of CSV_COLUMNS) {
      const index = columns[column];
      const cell = index === undefined ? undefined : cells[index];
      if (cell !== undefined) form[FIELD_OF[column]] = unguardCell(cell);
    }
    const result = parseStockForm(form, bounds);
    if (!result.ok) {
      problems.push({ row, messages: Object.values(result.errors) });
      return;
    }
    const { symbol, shares, price } = result.holding;
    const undated = (form.purchase_date ?? '').trim() === '';
    holdings.push(undated ? { symbol, shares, price } : result.holding);
  });
  if (problems.length > 0) return { ok: false, problems };
  if (holdings.length === 0) return { ok: false, problems: [{ row: 2, messages: [importMessages.empty] }] };
  return { ok: true, holdings };
}
