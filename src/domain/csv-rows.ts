/**
 * CSV records one at a time, so a caller can check a large file in slices and yield to the event
 * loop between them. RFC 4180 as `formatCsv` (`csv.ts`) writes it, read leniently where
 * spreadsheets differ: LF, CR or CRLF line ends, a UTF-8 byte-order mark, a missing final line end,
 * a quote inside an unquoted cell; the syntax problem comes as a typed reason.
 * @module
 */

/** Why text is not CSV. */
export type CsvSyntaxReason = 'unclosed-quote' | 'text-after-quote';

/** Text that is not CSV: where (`row`) and why (`reason`), for a caller that words its own message. */
export class CsvRecordSyntaxError extends Error {
  override readonly name = 'CsvRecordSyntaxError';
  /** 1-based row (record) number. */
  readonly row: number;
  readonly reason: CsvSyntaxReason;
  constructor(row: number, reason: CsvSyntaxReason) {
    super(
      reason === 'unclosed-quote' ? 'A quoted cell is never closed.' : 'A closing quote must end its cell.',
    );
    this.row = row;
    this.reason = reason;
  }
}

/** One record and its 1-based number. */
export interface CsvRecord {
  readonly row: number;
  readonly cells: string[];
}

// Sticky, compiled once: each matches at lastIndex only, so the text is scanned once.
const UNQUOTED = /[^,\r\n"]*/y;
const UNQUOTED_REST = /[^,\r\n]*/y;

/**
 * The records of `text`, lazily.
 * @throws CsvRecordSyntaxError (when the generator reaches it) for a quote never closed or text
 *   right after a closing quote.
 */
export function* csvRecords(text: string): Generator<CsvRecord, void, undefined> {
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let row = 1;
  let cells: string[] = [];
  let i = 0;
  if (input.length === 0) return;
  for (;;) {
    let cell: string;
    if (input[i] === '"') {
      cell = '';
      i++;
      for (;;) {
        const quote = input.indexOf('"', i);
        if (quote < 0) throw new CsvRecordSyntaxError(row, 'unclosed-quote');
        cell += input.slice(i, quote);
        i = quote + 1;
        if (input[i] !== '"') break;
        cell += '"';
        i++;
      }
      if (i < input.length && input[i] !== ',' && input[i] !== '\r' && input[i] !== '\n') {
        throw new CsvRecordSyntaxError(row, 'text-after-quote');
      }
    } else {
      UNQUOTED.lastIndex = i;
      cell = UNQUOTED.exec(input)?.[0] ?? '';
      i += cell.length;
      if (input[i] === '"') {
        // A quote inside an unquoted cell is text, as spreadsheets read it.
        UNQUOTED_REST.lastIndex = i;
        const rest = UNQUOTED_REST.exec(input)?.[0] ?? '';
        cell += rest;
        i += rest.length;
      }
    }
    cells.push(cell);
    if (input[i] === ',') {
      i++;
      continue;
    }
    yield { row, cells };
    row++;
    cells = [];
    i += input[i] === '\r' && input[i + 1] === '\n' ? 2 : 1;
    // A final line end does not start another record.
    if (i >= input.length) return;
  }
}
