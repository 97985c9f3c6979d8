/**
 * Checking a version 2 (or version 1) portfolio CSV row by row, in slices: see `ledger-csv.ts` for
 * the layout. Nothing here needs the visitor's ledger; `applyCsvRecords` checks what does.
 * @module
 */
import { checkSymbol, normalizeSymbol, PRICE_RULE, SHARES_RULE } from './portfolio.js';
import { compare, sum } from './decimal.js';
import { unguardCell } from './csv.js';
import { CsvRecordSyntaxError, csvRecords } from './csv-rows.js';
import { amountOf, type Lot } from './ledger.js';
import {
  ROW_TYPES,
  type BuyRecord,
  type CheckOptions,
  type CheckResult,
  type CsvDateBounds,
  type CsvFileProblem,
  type CsvProblem,
  type CsvRowProblem,
  type CsvRowProblemCode,
  type LedgerCsvColumn,
  type PriceRecord,
  type RowType,
  type SellRecord,
} from './ledger-csv.js';
import {
  isFileProblem,
  LOT_LABEL,
  readDate,
  readFeeCell,
  readHeader,
  readRuled,
  readSoldFrom,
  type Columns,
} from './ledger-csv-cells.js';
import { PRICE_SOURCES, type CurrentPrice, type PriceSource } from './price-book.js';

/**
 * Rows with a problem after which checking stops (`stoppedAtRow`): a file that bad is refused
 * anyway, and a hostile upload (a megabyte of bad rows) costs no more time or memory than this many.
 */
export const MAX_PROBLEM_ROWS = 100;

/**
 * Checks a CSV file row by row, yielding every `sliceRows` rows. The result lists every problem
 * (up to `maxProblems`) or every record; records are then applied to a ledger by
 * `applyCsvRecords`, which checks what needs the ledger (sales against lots, prices against
 * holdings).
 * @example
 * ```ts
 * const check = checkLedgerCsv(text, { dates });
 * let step = check.next();
 * while (!step.done) { await new Promise((r) => setImmediate(r)); step = check.next(); }
 * const result = step.value;
 * ```
 */
export function* checkLedgerCsv(
  text: string,
  options: CheckOptions,
): Generator<void, CheckResult, undefined> {
  const sliceRows = options.sliceRows ?? 2000;
  const maxProblems = options.maxProblems ?? 50;
  const maxProblemRows = options.maxProblemRows ?? MAX_PROBLEM_ROWS;
  const problems: CsvProblem[] = [];
  let moreProblems = 0;
  let problemRows = 0;
  let lastProblemRow = 0;
  const report = (problem: CsvRowProblem) => {
    if (problem.row !== lastProblemRow) {
      problemRows++;
      lastProblemRow = problem.row;
    }
    if (problems.length < maxProblems) problems.push(problem);
    else moreProblems++;
  };
  const fail = (problem: CsvFileProblem): CheckResult => ({
    ok: false,
    problems: [problem],
    moreProblems: 0,
  });
  if (text.replace(/^\uFEFF/, '').trim() === '') return fail({ kind: 'empty-file' });

  const buys: BuyRecord[] = [];
  const sells: SellRecord[] = [];
  const prices: PriceRecord[] = [];
  const labels = new Set<string>();
  const records = csvRecords(text);
  let columns: Columns | undefined;
  let width = 0;
  let dataRows = 0;
  let sinceYield = 0;
  try {
    for (const { row, cells } of records) {
      if (columns === undefined) {
        const header = readHeader(cells);
        if (isFileProblem(header)) return fail(header);
        columns = header;
        width = cells.length;
        continue;
      }
      if (++sinceYield >= sliceRows) {
        sinceYield = 0;
        yield;
      }
      if (cells.every((cell) => cell.trim() === '')) continue;
      dataRows++;
      if (cells.length !== width) {
        report({
          kind: 'row',
          row,
          field: undefined,
          problem: 'cell-count',
          expected: width,
          found: cells.length,
        });
        continue;
      }
      checkRow(row, cells, columns, options.dates, labels, report, { buys, sells, prices });
      // A file this bad is refused anyway: a hostile megabyte of bad rows costs no more than this.
      if (problemRows >= maxProblemRows) return { ok: false, problems, moreProblems, stoppedAtRow: row };
    }
  } catch (error) {
    if (!(error instanceof CsvRecordSyntaxError)) throw error;
    return fail({ kind: 'syntax', row: error.row, reason: error.reason });
  }
  if (columns === undefined) return fail({ kind: 'empty-file' });
  if (problems.length > 0) return { ok: false, problems, moreProblems };
  if (dataRows === 0) return fail({ kind: 'no-rows' });
  return { ok: true, records: { buys, sells, prices } };
}

/** {@link checkLedgerCsv} in one go, for small files and tests. */
export function checkLedgerCsvNow(text: string, options: CheckOptions): CheckResult {
  const check = checkLedgerCsv(text, options);
  for (;;) {
    const step = check.next();
    if (step.done === true) return step.value;
  }
}

function checkRow(
  row: number,
  cells: readonly string[],
  columns: Columns,
  dates: CsvDateBounds,
  labels: Set<string>,
  report: (problem: CsvRowProblem) => void,
  out: { buys: BuyRecord[]; sells: SellRecord[]; prices: PriceRecord[] },
): void {
  const cell = (column: LedgerCsvColumn): string => {
    const index = columns[column];
    return index === undefined ? '' : unguardCell(cells[index] ?? '');
  };
  const problem = (field: LedgerCsvColumn | undefined, code: CsvRowProblemCode) =>
    report({ kind: 'row', row, field, problem: code });
  let ok = true;
  const need = <T>(
    field: LedgerCsvColumn,
    read: { value: T } | { problem: CsvRowProblemCode },
  ): T | undefined => {
    if ('problem' in read) {
      problem(field, read.problem);
      ok = false;
      return undefined;
    }
    return read.value;
  };
  /** A cell that must be empty for this row type. */
  const empty = (field: LedgerCsvColumn) => {
    if (cell(field).trim() !== '') {
      problem(field, 'not-for-type');
      ok = false;
    }
  };

  const typeText = columns.type === undefined ? 'buy' : cell('type').trim().toLowerCase();
  if (!(ROW_TYPES as readonly string[]).includes(typeText)) {
    problem('type', typeText === '' ? 'required' : 'unknown-type');
    return;
  }
  const type = typeText as RowType;
  const symbol = normalizeSymbol(cell('symbol'));
  const symbolProblem = checkSymbol(symbol);
  if (symbolProblem !== undefined) {
    problem('symbol', symbolProblem);
    ok = false;
  }
  const price = need('price', readRuled(cell('price'), PRICE_RULE, true));
  const date = need('date', readDate(cell('date'), dates));

  if (type === 'price') {
    empty('shares');
    empty('fee');
    empty('lot');
    empty('sold_from');
    const sourceText = cell('source').trim().toLowerCase();
    const source = sourceText === '' ? 'manual' : sourceText;
    if (!(PRICE_SOURCES as readonly string[]).includes(source)) {
      problem('source', 'invalid');
      return;
    }
    if (!ok || price === undefined) return;
    const entry: CurrentPrice = {
      price,
      source: source as PriceSource,
      ...(date === undefined ? {} : { asOf: date }),
    };
    out.prices.push({ row, symbol, price: entry });
    return;
  }

  empty('source');
  const shares = need('shares', readRuled(cell('shares'), SHARES_RULE, false));
  const fee = need('fee', readFeeCell(cell('fee')));
  if (type === 'buy') {
    empty('sold_from');
    const labelText = cell('lot').trim();
    let label: string | undefined;
    if (labelText !== '') {
      if (!LOT_LABEL.test(labelText)) {
        problem('lot', 'invalid');
        ok = false;
      } else if (labels.has(labelText)) {
        problem('lot', 'duplicate');
        ok = false;
      } else {
        labels.add(labelText);
        label = labelText;
      }
    }
    if (!ok || shares === undefined || price === undefined) return;
    const fields: Omit<Lot, 'id'> = {
      symbol,
      shares,
      price,
      ...(date === undefined ? {} : { date }),
      ...(fee === undefined ? {} : { fee }),
    };
    out.buys.push({ row, fields, label });
    return;
  }

  empty('lot');
  if (date === undefined && ok) {
    problem('date', 'required');
    ok = false;
  }
  const soldFrom = readSoldFrom(cell('sold_from'));
  if (soldFrom === 'invalid') {
    problem('sold_from', 'invalid');
    ok = false;
  }
  if (!ok || shares === undefined || price === undefined || date === undefined || soldFrom === 'invalid')
    return;
  if (soldFrom !== undefined) {
    if (compare(sum(soldFrom.map((pick) => amountOf(pick.shares))), amountOf(shares)) !== 0) {
      problem('sold_from', 'picks-total');
      return;
    }
  }
  out.sells.push({
    row,
    fields: { symbol, shares, price, date, ...(fee === undefined ? {} : { fee }) },
    soldFrom,
  });
}
