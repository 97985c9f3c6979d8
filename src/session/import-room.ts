/**
 * Whether an upload could fit in the session at all, asked before its rows are checked: a file
 * that cannot fit is told so at once, not after every row has been read.
 * @module
 */
import { Session, type SessionStore } from 'flask-session-ts';
import type { AppSessionData } from './data.js';
import type { Ledger, Lot } from '../domain/ledger.js';
import type { PriceBook } from '../domain/price-book.js';
import { writeLedger, writePriceBook } from './ledger.js';

/**
 * The smallest record an import stores: a lot with a one-letter symbol, one share at $1, no date
 * and no fee. A sale holds as much and a date besides, so `n` copies of this (each with its own id)
 * are the smallest and most compressible `n` lots and sales a file can add.
 */
export const SMALLEST_LOT: Omit<Lot, 'id'> = Object.freeze({ symbol: 'A', shares: '1', price: '1' });

/**
 * True when `base` (the ledger the file's records are added to: the visitor's for an append, an
 * empty one for a replace) with its prices `book` and `records` more lots or sales cannot fit in
 * `session` in `store`, whatever the records hold: measured with `records` copies of
 * {@link SMALLEST_LOT} on a copy of the session. `records` is a lower bound from the file
 * (`leastStoredRecords`). False means they might fit; the real records are measured when saved.
 */
export function cannotFit(
  store: SessionStore,
  session: Session<AppSessionData>,
  base: Ledger,
  book: PriceBook,
  records: number,
): boolean {
  if (records === 0) return false;
  const copy = new Session<AppSessionData>(session.toJSON());
  const added = Array.from({ length: records }, (_, n): Lot => ({ ...SMALLEST_LOT, id: base.nextId + n }));
  writeLedger(copy, { lots: [...base.lots, ...added], sales: base.sales, nextId: base.nextId + records });
  writePriceBook(copy, book);
  return store.measure(copy) > store.maxSessionBytes;
}
