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
  csvRecords,
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
  | {
      readonly ok: false;
      readonly problems: readonly RowProblem[];
      /**
       * Set when checking stopped after {@link MAX_PROBLEM_ROWS} rows with a problem: the last row
       * checked. The rows after it were not read.
       */
      readonly stoppedAtRow?: number;
    };

/**
 * Rows with a problem after which checking stops: a file that bad is refused anyway, and a
 * hostile upload (a megabyte of bad rows) costs no more memory or time than this many.
 */
export const MAX_PROBLEM_ROWS = 100;

/**
 * Rows checked between two pauses of {@link checkPortfolioCsvInSlices}: measured at 6–7 µs a valid
 * row (CPU profile of 40,000 rows on the shared 2-core dev machine), so a slice holds the event
 * loop some 6 ms.
 */
export const CHECK_SLICE_ROWS = 1000;

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
 * The checker, pausing (a `yield`) after every {@link CHECK_SLICE_ROWS} rows; one implementation
 * for {@link checkPortfolioCsv} and {@link checkPortfolioCsvInSlices}.
 */
function* checking(text: string, bounds: PurchaseDateBounds): Generator<void, ImportResult, undefined> {
  const records = csvRecords(text);
  const problems: RowProblem[] = [];
  const holdings: Holding[] = [];
  const next = (): IteratorResult<string[], void> | CsvSyntaxError => {
    try {
      return records.next();
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      return error;
    }
  };

  const first = next();
  if (first instanceof CsvSyntaxError)
    return { ok: false, problems: [{ row: first.row, messages: [first.message] }] };
  const header = first.done === true ? [] : first.value;
  const columns = columnsOf(header);
  if (columns === undefined) return { ok: false, problems: [{ row: 1, messages: [importMessages.header] }] };
  // Rows are numbered as records: row 1 is the header.
  let row = 1;

  for (;;) {
    const record = next();
    if (record instanceof CsvSyntaxError) {
      problems.push({ row: record.row, messages: [record.message] });
      break;
    }
    if (record.done === true) break;
    row++;
    if (row % CHECK_SLICE_ROWS === 0) yield;
    const problem = checkRow(record.value, header.length, columns, bounds);
    if (problem === undefined) continue;
    if (Array.isArray(problem)) {
      problems.push({ row, messages: problem });
      if (problems.length >= MAX_PROBLEM_ROWS) return { ok: false, problems, stoppedAtRow: row };
    } else if (problems.length === 0) {
      // Holdings are kept only while the file is still good: a bad file keeps none.
      holdings.push(problem);
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  if (holdings.length === 0) return { ok: false, problems: [{ row: 2, messages: [importMessages.empty] }] };
  return { ok: true, holdings };
}

/** One row: its holding, its messages, or undefined for a blank row (skipped). */
function checkRow(
  cells: readonly string[],
  width: number,
  columns: Partial<Record<CsvColumn, number>>,
  bounds: PurchaseDateBounds,
): Holding | string[] | undefined {
  if (isBlank(cells)) return undefined;
  if (cells.length !== width) return [importMessages.cells(width, cells.length)];
  const form: Partial<Record<FieldName, string>> = {};
  for (const column of CSV_COLUMNS) {
    const index = columns[column];
    const cell = index === undefined ? undefined : cells[index];
    if (cell !== undefined) form[FIELD_OF[column]] = unguardCell(cell);
  }
  const result = parseStockForm(form, bounds);
  if (!result.ok) return Object.values(result.errors);
  const { symbol, shares, price } = result.holding;
  const undated = (form.purchase_date ?? '').trim() === '';
  return undated ? { symbol, shares, price } : result.holding;
}

/**
 * Reads a portfolio CSV (as {@link portfolioCsv} writes it, or as a spreadsheet saves it).
 * All or nothing: any bad row makes the result a list of problems, and no holding is returned.
 * Checking stops after {@link MAX_PROBLEM_ROWS} bad rows (see `stoppedAtRow`).
 */
export function checkPortfolioCsv(text: string, bounds: PurchaseDateBounds): ImportResult {
  const run = checking(text, bounds);
  for (;;) {
    const step = run.next();
    if (step.done === true) return step.value;
  }
}

/**
 * {@link checkPortfolioCsv} in slices of {@link CHECK_SLICE_ROWS} rows, awaiting `pause` between
 * two slices, so that a server checking a large upload still answers other requests.
 * @param pause e.g. `setImmediate` from `node:timers/promises`, which lets pending I/O run first.
 */
export async function checkPortfolioCsvInSlices(
  text: string,
  bounds: PurchaseDateBounds,
  pause: () => Promise<unknown>,
): Promise<ImportResult> {
  const run = checking(text, bounds);
  for (;;) {
    const step = run.next();
    if (step.done === true) return step.value;
    await pause();
  }
}
