/**
 * What a record costs in the session's JSON, by arithmetic: so "N more fit" is exact without
 * encoding the session once per candidate record.
 *
 * Counted in bytes of compact JSON (`json.dumps(..., separators=(",", ":"))`, as Flask and
 * flask-session-ts write it). Every string a record holds is ASCII with nothing to escape (symbols
 * are `[A-Z0-9.-]`, amounts digits and `.`, dates digits and `-`), so its JSON is its text in quotes.
 *
 * What an add changes in the session dict: the new entry in `portfolio` (or `sales`), `next_id`
 * one higher (a digit more at 9 → 10, 99 → 100…, a new key the first time), and `undo`, which
 * becomes `["add",id]` (or `["sale",id]`). A cookie store then signs the JSON, maybe compressed,
 * in base64: that layer is the store's to measure (see `routes/capacity.ts`); these figures are the
 * payload a server-side store counts, and an upper bound, × 4/3, for an uncompressed cookie.
 * @module
 */
import type { Lot, Sale } from './ledger.js';
import { encodeLot, encodeSale } from './ledger.js';

/** Digits of a positive integer (an id). */
export function digitsOf(n: number): number {
  return String(n).length;
}

/** JSON bytes of a string with nothing to escape: the text in quotes. */
const quoted = (text: string) => text.length + 2;

/**
 * Exact JSON bytes of one lot's entry, `["AAPL","15","302.17","2024-01-02",7]`.
 * Equal to `JSON.stringify(encodeLot(lot)).length` (tested), without building it.
 */
export function lotEntryBytes(lot: Lot): number {
  const date = lot.date === undefined ? 4 : quoted(lot.date); // null
  const fee = lot.fee === undefined ? 0 : 1 + quoted(lot.fee);
  return (
    2 +
    quoted(lot.symbol) +
    1 +
    quoted(lot.shares) +
    1 +
    quoted(lot.price) +
    1 +
    date +
    1 +
    digitsOf(lot.id) +
    fee
  );
}

/** Exact JSON bytes of one sale's entry (picks included). */
export function saleEntryBytes(sale: Sale): number {
  const base =
    2 +
    quoted(sale.symbol) +
    1 +
    quoted(sale.shares) +
    1 +
    quoted(sale.price) +
    1 +
    quoted(sale.date) +
    1 +
    digitsOf(sale.id);
  if (sale.picks === undefined) return base + (sale.fee === undefined ? 0 : 1 + quoted(sale.fee));
  const fee = sale.fee === undefined ? 4 : quoted(sale.fee);
  const picks = sale.picks.reduce((total, p) => total + 2 + digitsOf(p.lotId) + 1 + quoted(p.shares), 0);
  // ,fee,[ picks separated by commas ]
  return base + 1 + fee + 1 + 2 + picks + Math.max(0, sale.picks.length - 1);
}

/** The parts of the session an add touches, as they are now. */
export interface SessionShape {
  /** Keys in the session dict now (all of them: csrf token, theme, flashes…). */
  readonly keyCount: number;
  /** Entries in the list the record goes into (`portfolio` for a lot, `sales` for a sale). */
  readonly listLength: number;
  /** The ledger's next id (`next_id`, 1 when the key is absent). */
  readonly nextId: number;
  /** JSON bytes of the current `undo` value; `undefined` when there is no `undo` key. */
  readonly undoBytes: number | undefined;
}

/** The key a record goes into. */
export type RecordKind = 'lot' | 'sale';

const KEY_BYTES = {
  lot: quoted('portfolio'),
  sale: quoted('sales'),
  next_id: quoted('next_id'),
  undo: quoted('undo'),
};

/** JSON bytes of `undo` after an add of `kind` with `id`: `["add",7]` or `["sale",7]`. */
export function addUndoBytes(kind: RecordKind, id: number): number {
  return 2 + quoted(kind === 'lot' ? 'add' : 'sale') + 1 + digitsOf(id);
}

/**
 * Exact growth of the session's JSON when one record whose entry takes `entryBytes` (see
 * {@link lotEntryBytes}; with id `shape.nextId`) is added, with `next_id` and `undo` updated as
 * the add does.
 */
export function addCostBytes(shape: SessionShape, kind: RecordKind, entryBytes: number): number {
  let keys = shape.keyCount;
  // A new key costs `"key":value` and, unless the dict was empty, a comma.
  const newKey = (keyBytes: number, valueBytes: number) => keyBytes + 1 + valueBytes + (keys++ > 0 ? 1 : 0);
  let cost = shape.listLength === 0 ? newKey(KEY_BYTES[kind], 2 + entryBytes) : 1 + entryBytes;
  const next = shape.nextId + 1;
  cost +=
    shape.nextId === 1 ? newKey(KEY_BYTES.next_id, digitsOf(next)) : digitsOf(next) - digitsOf(shape.nextId);
  const undo = addUndoBytes(kind, shape.nextId);
  cost += shape.undoBytes === undefined ? newKey(KEY_BYTES.undo, undo) : undo - shape.undoBytes;
  return cost;
}

/**
 * How many more records like `entryBytesAt(id)` fit in `roomBytes` of JSON, added one after
 * another (each with the next id, so ids and `next_id` grow a digit where they do): exact.
 * @param entryBytesAt JSON bytes of the entry with a given id, e.g.
 *   `(id) => lotEntryBytes({ ...WORST_CASE_LOT, id })`.
 * @example `recordsThatFit(4093 - payloadBytes, shape, 'lot', (id) => lotEntryBytes({ ...WORST_CASE_LOT, id }))`
 */
export function recordsThatFit(
  roomBytes: number,
  shape: SessionShape,
  kind: RecordKind,
  entryBytesAt: (id: number) => number,
): number {
  let room = roomBytes;
  let current = shape;
  let count = 0;
  for (;;) {
    const cost = addCostBytes(current, kind, entryBytesAt(current.nextId));
    if (cost > room) return count;
    room -= cost;
    count++;
    current = {
      keyCount:
        current.keyCount +
        (current.listLength === 0 ? 1 : 0) +
        (current.nextId === 1 ? 1 : 0) +
        (current.undoBytes === undefined ? 1 : 0),
      listLength: current.listLength + 1,
      nextId: current.nextId + 1,
      undoBytes: addUndoBytes(kind, current.nextId),
    };
  }
}

/**
 * The longest lot the forms accept (today's worst-case holding, with the largest fee): what
 * "N more fit" should assume so that N is never too many.
 */
export const WORST_CASE_LOT: Omit<Lot, 'id'> = Object.freeze({
  symbol: 'QX7.Z-9JWV',
  shares: '987654321.0123',
  price: '987654.3219',
  date: '2019-08-26',
  fee: '987654.3219',
});

/** The longest first-in-first-out sale the forms accept. */
export const WORST_CASE_SALE: Omit<Sale, 'id'> = Object.freeze({
  symbol: 'QX7.Z-9JWV',
  shares: '987654321.0123',
  price: '987654.3219',
  date: '2019-08-26',
  fee: '987654.3219',
});

/** For tests and the report: the entry as encoded, to compare with the arithmetic. */
export const encodedBytes = {
  lot: (lot: Lot) => JSON.stringify(encodeLot(lot)).length,
  sale: (sale: Sale) => JSON.stringify(encodeSale(sale)).length,
};
