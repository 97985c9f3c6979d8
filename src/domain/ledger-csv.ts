/**
 * The portfolio as one CSV file, version 2: buys, sells and current prices, each a row with its
 * date, so export → import gives back everything on the page.
 *
 * ```
 * type,symbol,shares,price,date,fee,source,lot,sold_from
 * buy,AAPL,10,100,2023-01-02,4.95,,,
 * sell,AAPL,6,150,2024-06-03,1,,,
 * price,AAPL,,120,2026-12-07,,manual,,
 * ```
 * - `type`: `buy`, `sell` or `price`. `date`: purchase date (may be empty for a buy saved before
 *   dates existed), sale date (required), or the price's "as of" date (may be empty).
 * - `fee`: buys and sells, may be empty. `source`: price rows, `manual` (or empty) or `alpha-vantage`.
 * - `lot` and `sold_from`: empty unless a sale was matched to lots other than first in, first
 *   out would choose from the file (the visitor picked them): then the buys it sold from carry a
 *   label in `lot`, and the sale lists `label:shares` pairs separated by spaces in `sold_from`.
 *
 * Import reads the buys in file order (that is the portfolio's order), then the sells in date
 * order (ties in file order), first in, first out unless `sold_from` says otherwise, so a file
 * typed by hand in any order means what it says. Today's files (`symbol,shares,purchase_price,
 * purchase_date`, and the form's field names as headers) still import, as buys.
 *
 * This module holds the layout and the types; `ledger-csv-check.ts` reads a file row by row
 * (its cells through `ledger-csv-cells.ts`),
 * `ledger-csv-apply.ts` applies it to a ledger, `ledger-csv-export.ts` writes one.
 *
 * Checking is a generator (`checkLedgerCsv`): it yields every `sliceRows` rows so the caller
 * can give the event loop a turn; `checkLedgerCsvNow` runs it to the end. Every pattern is
 * compiled once, at load. Problems are typed values: the file as a whole ({@link CsvFileProblem})
 * or one row and field ({@link CsvRowProblem}); the form words them.
 * @module
 */
import type { Decimal } from './decimal.js';
import type { AmountProblem, SymbolProblem } from './portfolio.js';
import type { CsvSyntaxReason } from './csv-rows.js';
import type { FeeProblem, Lot, Sale } from './ledger.js';
import type { CurrentPrice } from './price-book.js';

/** The columns, in export order; also the header. */
export const LEDGER_CSV_COLUMNS = [
  'type',
  'symbol',
  'shares',
  'price',
  'date',
  'fee',
  'source',
  'lot',
  'sold_from',
] as const;
export type LedgerCsvColumn = (typeof LEDGER_CSV_COLUMNS)[number];

/** Header names accepted for each column: ours, the forms' field names, and version 1's. */
export const LEDGER_CSV_ALIASES: Readonly<Record<LedgerCsvColumn, readonly string[]>> = Object.freeze({
  type: ['type'],
  symbol: ['symbol', 'stock_symbol'],
  shares: ['shares', 'number_of_shares'],
  price: ['price', 'purchase_price', 'sale_price'],
  date: ['date', 'purchase_date', 'sale_date'],
  fee: ['fee'],
  source: ['source'],
  lot: ['lot'],
  sold_from: ['sold_from'],
});

/** Row types. */
export const ROW_TYPES = ['buy', 'sell', 'price'] as const;
export type RowType = (typeof ROW_TYPES)[number];

/** A problem with the file as a whole. */
export type CsvFileProblem =
  /** Nothing in the file (or only spaces and line ends). */
  | { readonly kind: 'empty-file' }
  /** The header is one cell with `;` in it: a spreadsheet saved with semicolons (European locale). */
  | { readonly kind: 'semicolon-separated' }
  /** Row 1 is not a header we know: `unknown` names a column we do not know, `missing` a required one. */
  | {
      readonly kind: 'header';
      readonly unknown?: string;
      readonly duplicate?: string;
      readonly missing?: LedgerCsvColumn;
    }
  /** A header and no row after it. */
  | { readonly kind: 'no-rows' }
  /** Text that is not CSV, at `row`. */
  | { readonly kind: 'syntax'; readonly row: number; readonly reason: CsvSyntaxReason };

/** What is wrong with one cell or row. */
export type CsvRowProblemCode =
  | 'required'
  | 'invalid'
  | 'unknown-type'
  | 'future'
  | 'too-early'
  | 'not-for-type'
  | SymbolProblem
  | AmountProblem
  | FeeProblem
  /** Row: a different number of cells than the header (`expected`, `found`). */
  | 'cell-count'
  /** Sell: more shares than held as of its date (`available`). */
  | 'oversold'
  /** sold_from: a label no buy row has, another symbol's lot, one bought after the sale, too few shares left. */
  | 'unknown-lot'
  | 'other-symbol'
  | 'bought-after-sale'
  | 'not-enough'
  /** sold_from: the shares listed do not add up to the sale's. */
  | 'picks-total'
  /** lot: the same label on two buy rows. */
  | 'duplicate'
  /** Price: no lot of this symbol (a price goes with a holding). */
  | 'no-holding'
  /** Price: a second price row for one symbol. */
  | 'duplicate-price';

/** One row's problem: 1-based row (the header is row 1), the column (absent: the whole row), what. */
export interface CsvRowProblem {
  readonly kind: 'row';
  readonly row: number;
  readonly field: LedgerCsvColumn | undefined;
  readonly problem: CsvRowProblemCode;
  readonly expected?: number;
  readonly found?: number;
  readonly available?: Decimal;
}

export type CsvProblem = CsvFileProblem | CsvRowProblem;

/** Dates the file may hold. */
export interface CsvDateBounds {
  /** Latest `YYYY-MM-DD` accepted (no future trades or prices). */
  readonly latest: string;
  /** Earliest `YYYY-MM-DD` accepted, if there is a floor. */
  readonly earliest?: string;
}

/** Options of `checkLedgerCsv`. */
export interface CheckOptions {
  readonly dates: CsvDateBounds;
  /** Rows per slice between yields; default 2,000 (a 1 MiB file is ~30,000 rows). */
  readonly sliceRows?: number;
  /** Problems kept; the rest are counted. Default 50. */
  readonly maxProblems?: number;
  /** Rows with a problem after which checking stops; default `MAX_PROBLEM_ROWS` (100). */
  readonly maxProblemRows?: number;
}

/** A checked buy row. */
export interface BuyRecord {
  readonly row: number;
  readonly fields: Omit<Lot, 'id'>;
  readonly label: string | undefined;
}

/** A checked sell row; `soldFrom` names buy labels. */
export interface SellRecord {
  readonly row: number;
  readonly fields: Omit<Sale, 'id' | 'picks'>;
  readonly soldFrom: readonly { readonly label: string; readonly shares: string }[] | undefined;
}

/** A checked price row. */
export interface PriceRecord {
  readonly row: number;
  readonly symbol: string;
  readonly price: CurrentPrice;
}

/** Every row of a file, checked one by one (not yet against a ledger). */
export interface CsvRecords {
  readonly buys: readonly BuyRecord[];
  readonly sells: readonly SellRecord[];
  readonly prices: readonly PriceRecord[];
}

/** The outcome of checking a file. */
export type CheckResult =
  | { readonly ok: true; readonly records: CsvRecords }
  | {
      readonly ok: false;
      readonly problems: readonly CsvProblem[];
      readonly moreProblems: number;
      /** Set when checking stopped after too many rows with a problem: the last row checked. */
      readonly stoppedAtRow?: number;
    };
