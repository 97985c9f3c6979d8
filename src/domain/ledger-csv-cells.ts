/**
 * Reading the cells of a portfolio CSV (see `ledger-csv.ts` for the layout): the header, amounts,
 * fees, dates and `sold_from` lists, each into a value or the typed problem the form words.
 * Every pattern is compiled once, at load.
 * @module
 */
import { checkAmount, SHARES_RULE, type AmountRule } from './portfolio.js';
import { parseDecimal, toCanonicalString, type Decimal } from './decimal.js';
import { isIsoDate } from './dates.js';
import { checkFee, storedFee } from './ledger.js';
import {
  LEDGER_CSV_ALIASES,
  LEDGER_CSV_COLUMNS,
  type CsvDateBounds,
  type CsvFileProblem,
  type CsvRowProblemCode,
  type LedgerCsvColumn,
} from './ledger-csv.js';

// The number grammar of the forms: digits, an optional fraction, and thousands separators only in
// groups of three (`1,234.5`; `0,500` is more likely a European 0.5: refused).
const NUMBER = /^(-?)((?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+)$/;
/** A buy's `lot` label. */
export const LOT_LABEL = /^[A-Za-z0-9_.-]{1,20}$/;
const SOLD_FROM_PAIR = /^([A-Za-z0-9_.-]{1,20}):([0-9]+(?:\.[0-9]+)?)$/;
const SPACES = /\s+/;

/** A cell read: its value, or why it could not be. */
export type Read<T> = { value: T } | { problem: CsvRowProblemCode };

/** A cell as an amount: trimmed, an optional `$` for money, separators in groups of three. */
function readNumber(cell: string, money: boolean): Read<Decimal> {
  let text = cell.trim();
  if (text === '') return { problem: 'required' };
  if (money && text.startsWith('$')) text = text.slice(1);
  const match = NUMBER.exec(text);
  if (match === null) return { problem: 'invalid' };
  const digits = (match[2] ?? '').replaceAll(',', '');
  const value = parseDecimal(digits.startsWith('.') ? `0${digits}` : digits);
  if (value === undefined) return { problem: 'invalid' };
  return { value: match[1] === '-' ? { units: -value.units, scale: value.scale } : value };
}

/** An amount cell checked by `rule`, as a canonical decimal string. */
export function readRuled(cell: string, rule: AmountRule, money: boolean): Read<string> {
  const read = readNumber(cell, money);
  if ('problem' in read) return read;
  const problem = checkAmount(read.value, rule);
  return problem === undefined ? { value: toCanonicalString(read.value) } : { problem };
}

/** A fee cell: empty (or zero) is no fee. */
export function readFeeCell(cell: string): Read<string | undefined> {
  if (cell.trim() === '') return { value: undefined };
  const read = readNumber(cell, true);
  if ('problem' in read) return read;
  const problem = checkFee(read.value);
  return problem === undefined ? { value: storedFee(read.value) } : { problem };
}

/** A date cell within `dates`; empty is no date (the caller decides whether one is required). */
export function readDate(cell: string, dates: CsvDateBounds): Read<string | undefined> {
  const text = cell.trim();
  if (text === '') return { value: undefined };
  if (!isIsoDate(text)) return { problem: 'invalid' };
  if (text > dates.latest) return { problem: 'future' };
  if (dates.earliest !== undefined && text < dates.earliest) return { problem: 'too-early' };
  return { value: text };
}

/** A `sold_from` cell: `label:shares` pairs separated by spaces; empty is first in, first out. */
export function readSoldFrom(text: string): { label: string; shares: string }[] | undefined | 'invalid' {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const pairs: { label: string; shares: string }[] = [];
  for (const part of trimmed.split(SPACES)) {
    const match = SOLD_FROM_PAIR.exec(part);
    const shares = match?.[2] === undefined ? undefined : parseDecimal(match[2]);
    if (match?.[1] === undefined || shares === undefined || checkAmount(shares, SHARES_RULE) !== undefined) {
      return 'invalid';
    }
    pairs.push({ label: match[1], shares: toCanonicalString(shares) });
  }
  return pairs;
}

/** Which cell holds each column. */
export type Columns = Partial<Record<LedgerCsvColumn, number>>;

/** Which cell holds each column, or the header problem. */
export function readHeader(cells: readonly string[]): Columns | CsvFileProblem {
  if (cells.length === 1 && (cells[0] ?? '').includes(';')) return { kind: 'semicolon-separated' };
  const found: Columns = {};
  for (const [index, raw] of cells.entries()) {
    const name = raw.trim().toLowerCase();
    const column = LEDGER_CSV_COLUMNS.find((c) => LEDGER_CSV_ALIASES[c].includes(name));
    if (column === undefined) return { kind: 'header', unknown: raw };
    if (found[column] !== undefined) return { kind: 'header', duplicate: raw };
    found[column] = index;
  }
  // Version 1 has no type column: every row is a buy, and shares are required.
  const required: readonly LedgerCsvColumn[] =
    found.type === undefined ? ['symbol', 'shares', 'price'] : ['type', 'symbol', 'price'];
  const missing = required.find((c) => found[c] === undefined);
  return missing === undefined ? found : { kind: 'header', missing };
}

/** Whether {@link readHeader} found a problem. */
export const isFileProblem = (value: Columns | CsvFileProblem): value is CsvFileProblem =>
  typeof (value as { kind?: unknown }).kind === 'string';
