/**
 * How many records a portfolio CSV adds at least, weighed before it is read, so an upload that
 * could never fit in the session is refused at once, not after every row has been checked.
 * @module
 */
import { countDataRows } from './csv.js';
import { csvRecords, CsvRecordSyntaxError } from './csv-rows.js';
import { isFileProblem, readHeader } from './ledger-csv-cells.js';

/**
 * A lower bound on the lots and sales that importing `text` stores, with `heldSymbols` distinct
 * symbols already held (0 for a replace). One pass over the text plus its header row.
 *
 * - Version 1 (no `type` column): every non-blank row is a buy, so every row is a lot.
 * - Version 2: rows are buys, sells and prices. A sell stores a sale, which holds everything the
 *   smallest lot does and a date besides; a price stores less, but each needs its own held symbol,
 *   so price rows are at most `heldSymbols` plus the buys. So of `rows` rows at least
 *   `(rows - heldSymbols) / 2`, rounded up, are lots or sales.
 *
 * A header that cannot be read counts as 0: the check says what is wrong with it.
 */
export function leastStoredRecords(text: string, heldSymbols: number): number {
  const rows = countDataRows(text);
  let header;
  try {
    header = csvRecords(text).next();
  } catch (error) {
    if (!(error instanceof CsvRecordSyntaxError)) throw error;
    return 0;
  }
  if (header.done === true) return 0;
  const columns = readHeader(header.value.cells);
  if (isFileProblem(columns)) return 0;
  if (columns.type === undefined) return rows;
  return Math.max(0, Math.ceil((rows - heldSymbols) / 2));
}
