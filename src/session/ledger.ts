/**
 * The ledger (lots with ids, sales, `next_id`), the price book and the last change's undo, as the
 * session holds them; and the one way a change is saved ({@link saveChange}), so every write keeps
 * the three consistent and says which prices went with their last lot.
 *
 * Read with the seed app's single holding appended (see `portfolio.ts`); written with the seed's
 * keys dropped, so that holding moves into `portfolio` on the first save, never lost.
 * @module
 */
import { encodeLedger, type Ledger } from '../domain/ledger.js';
import { decodeUndo, encodeUndo, type PricedChange, type Undo } from '../domain/ledger-changes.js';
import { decodePriceBook, encodePriceBook, type PriceBook } from '../domain/price-book.js';
import type { AppSession } from './data.js';
import { encodePortfolio } from '../domain/portfolio.js';
import { LEGACY_KEYS, storedLedger } from './portfolio.js';

/** The visitor's ledger: `portfolio`, `sales`, `next_id`, and the seed app's holding as a last lot. */
export function readLedger(session: AppSession): Ledger {
  // Not via readHoldings: the sales and next_id are needed too.
  return storedLedger(session);
}

/** The visitor's current prices, with source and date. */
export function readPriceBook(session: AppSession): PriceBook {
  return decodePriceBook(session.get('prices'));
}

/** The change that can be undone, if the session keeps a readable one. */
export function readUndo(session: AppSession, ledger: Ledger = readLedger(session)): Undo | undefined {
  return decodeUndo(session.get('undo'), ledger);
}

/** Saves `ledger` (call inside `store.update`): absent parts delete their keys; the seed's keys go. */
export function writeLedger(session: AppSession, ledger: Ledger): void {
  for (const key of LEGACY_KEYS) session.delete(key);
  const encoded = encodeLedger(ledger);
  if (encoded.portfolio === undefined) session.delete('portfolio');
  else session.set('portfolio', encoded.portfolio);
  if (encoded.sales === undefined) session.delete('sales');
  else session.set('sales', encoded.sales);
  if (encoded.next_id === undefined) session.delete('next_id');
  else session.set('next_id', encoded.next_id);
}

/** Saves `book` (call inside `store.update`); an empty book deletes `prices`. */
export function writePriceBook(session: AppSession, book: PriceBook): void {
  const encoded = encodePriceBook(book);
  if (encoded === undefined) session.delete('prices');
  else session.set('prices', encoded);
}

/** The flash for prices that went with their last lot. */
export function droppedPricesMessage(symbols: readonly string[]): string {
  const names = symbols.join(', ');
  return symbols.length === 1
    ? `The current price of ${names} was removed with its last lot.`
    : `The current prices of ${names} were removed with their last lots.`;
}

/**
 * Writes a change that was made (call inside `store.update`): the ledger, the price book, the undo
 * (or none, when `keepUndo` is false: a fuller session may need the room), and a flash for each
 * price that went with its last lot.
 */
export function saveChange(
  session: AppSession,
  change: Extract<PricedChange, { ok: true }>,
  { keepUndo = true }: { readonly keepUndo?: boolean } = {},
): void {
  writeLedger(session, change.ledger);
  writePriceBook(session, change.book);
  if (keepUndo) session.set('undo', encodeUndo(change.undo));
  else session.delete('undo');
  if (change.dropped.length > 0) session.flash('info', droppedPricesMessage(change.dropped));
}

/**
 * Saves `change` (call inside `store.update`) in the layout of a session from before lot ids, for
 * a removal from such a session that is full: today's layout writes an id into every lot, which a
 * full cookie has no room for, and a visitor must always be able to remove. The lots go back as
 * 3-4 element entries, with `next_id` stored: `decodeLedger` numbers id-less entries from it, so
 * the remaining lots get ids past every id the visitor's pages showed, and a stale page's Remove or
 * Edit finds its lot gone rather than naming another. No undo (it would name the old ids).
 * Only when the stored lots have no ids and the ledger holds nothing that layout cannot (a fee, a
 * sale); returns false otherwise, having changed nothing.
 */
export function saveChangeWithoutIds(
  session: AppSession,
  change: Extract<PricedChange, { ok: true }>,
): boolean {
  const stored = session.get('portfolio');
  const storedWithoutIds =
    stored === undefined || stored.some((entry) => !Array.isArray(entry) || entry.length < 5);
  const { ledger } = change;
  if (!storedWithoutIds || ledger.sales.length > 0 || ledger.lots.some((lot) => lot.fee !== undefined)) {
    return false;
  }
  for (const key of LEGACY_KEYS) session.delete(key);
  if (ledger.lots.length === 0) session.delete('portfolio');
  else session.set('portfolio', encodePortfolio(ledger.lots));
  session.delete('sales');
  session.set('next_id', ledger.nextId);
  writePriceBook(session, change.book);
  session.delete('undo');
  if (change.dropped.length > 0) session.flash('info', droppedPricesMessage(change.dropped));
  return true;
}
