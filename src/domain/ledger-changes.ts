/**
 * Every change a visitor makes to the ledger, as pure functions, each giving the new ledger and the
 * description of how to revert it ({@link Undo}), or a {@link LedgerProblem} the form turns into a
 * message. All of them go through `commitChange` (see `sales.ts`), so none can leave a recorded
 * sale uncovered or change its realized gain unless the caller passes `confirmed`.
 *
 * Records are named by id, never by position: a change to an id that is gone answers
 * `unknown-lot` / `unknown-sale` ("already removed or moved"), whatever another tab did meanwhile.
 * @module
 */
import type { Holding } from './portfolio.js';
import {
  decodeLedger,
  encodeLot,
  encodeSale,
  findLot,
  findSale,
  type EncodedLot,
  type EncodedSale,
  type Ledger,
  type Lot,
  type Sale,
} from './ledger.js';
import {
  decodePriceBook,
  encodePrice,
  keepHeldPrices,
  type CurrentPrice,
  type EncodedPrice,
  type PriceBook,
} from './price-book.js';
import { commitChange, matchSales, picksOf, type ChangeOptions, type LedgerProblem } from './sales.js';

/** The fields of a lot the visitor enters: a holding and an optional fee. */
export type LotFields = Holding & { readonly fee?: string };

/** The fields of a sale the visitor enters (picks only when choosing lots). */
export type SaleFields = Omit<Sale, 'id'>;

/** The last change, as what reverting it takes. */
export type Undo =
  /** A lot was added: remove it. */
  | { readonly kind: 'add-lot'; readonly lotId: number }
  /**
   * A lot was removed from `index`: put it back there, with its id, and its symbol's current price
   * when the removal dropped it (see {@link withPrices}).
   */
  | { readonly kind: 'remove-lot'; readonly index: number; readonly lot: Lot; readonly price?: CurrentPrice }
  /** A lot was edited: restore these fields (same id), and the price the edit dropped, if any. */
  | { readonly kind: 'edit-lot'; readonly lot: Lot; readonly price?: CurrentPrice }
  /** A sale was recorded: remove it. */
  | { readonly kind: 'record-sale'; readonly saleId: number }
  /** A sale was removed: put it back, matched to the lots it had (stored as its picks). */
  | { readonly kind: 'remove-sale'; readonly sale: Sale };

/** A change made: the new ledger and how to revert it. */
export type LedgerChange =
  | { readonly ok: true; readonly ledger: Ledger; readonly undo: Undo }
  | { readonly ok: false; readonly problem: LedgerProblem };

const withFee = <T extends object>(record: T, fee: string | undefined): T & { fee?: string } =>
  fee === undefined ? record : { ...record, fee };

function lotFrom(fields: LotFields, id: number): Lot {
  const { symbol, shares, price, date, fee } = fields;
  return withFee(
    date === undefined ? { symbol, shares, price, id } : { symbol, shares, price, date, id },
    fee,
  );
}

function finish(before: Ledger, after: Ledger, undo: Undo, options?: ChangeOptions): LedgerChange {
  const result = commitChange(before, after, options);
  return result.ok ? { ok: true, ledger: result.ledger, undo } : result;
}

/** Adds a lot at the end, with the next id. Never changes a recorded sale (its id is the newest). */
export function addLot(ledger: Ledger, fields: LotFields): LedgerChange & { readonly lotId?: number } {
  const id = ledger.nextId;
  const after = { ...ledger, lots: [...ledger.lots, lotFrom(fields, id)], nextId: id + 1 };
  return { ...finish(ledger, after, { kind: 'add-lot', lotId: id }), lotId: id };
}

/**
 * Replaces the fields of lot `lotId`, keeping its id and place. Refused with `sold-shares` when
 * recorded sales need shares the edit takes away (fewer shares, another symbol, a date after the
 * sale), and with `changes-realized` when it corrects a sold lot's price, fee or date, unless
 * `confirmed`.
 */
export function editLot(
  ledger: Ledger,
  lotId: number,
  fields: LotFields,
  options: { readonly confirmed?: boolean } = {},
): LedgerChange {
  const previous = findLot(ledger, lotId);
  if (previous === undefined) return { ok: false, problem: { kind: 'unknown-lot', lotId } };
  const after = {
    ...ledger,
    lots: ledger.lots.map((lot) => (lot.id === lotId ? lotFrom(fields, lotId) : lot)),
  };
  return finish(ledger, after, { kind: 'edit-lot', lot: previous }, { ...options, lotId });
}

/** Removes lot `lotId`. Refused with `sold-shares` while a recorded sale took shares from it. */
export function removeLot(ledger: Ledger, lotId: number): LedgerChange {
  const index = ledger.lots.findIndex((lot) => lot.id === lotId);
  const lot = ledger.lots[index];
  if (lot === undefined) return { ok: false, problem: { kind: 'unknown-lot', lotId } };
  const after = { ...ledger, lots: ledger.lots.filter((l) => l.id !== lotId) };
  return finish(ledger, after, { kind: 'remove-lot', index, lot }, { lotId });
}

/**
 * Records a sale with the next id: first in, first out, or from `fields.picks` when given. Refused
 * with `oversold` (more than the lots bought by its date still hold), `bad-pick` or `picks-total`.
 */
export function recordSale(ledger: Ledger, fields: SaleFields): LedgerChange & { readonly saleId?: number } {
  const id = ledger.nextId;
  const after = { ...ledger, sales: [...ledger.sales, { ...fields, id }], nextId: id + 1 };
  return { ...finish(ledger, after, { kind: 'record-sale', saleId: id }), saleId: id };
}

/**
 * Removes sale `saleId`; its shares are held again. Later sales keep the lots they were matched to
 * (they are pinned if first in, first out would now move them).
 */
export function removeSale(ledger: Ledger, saleId: number): LedgerChange {
  const result = matchSales(ledger).sales.find((r) => r.sale.id === saleId);
  if (result === undefined) return { ok: false, problem: { kind: 'unknown-sale', saleId } };
  const after = { ...ledger, sales: ledger.sales.filter((s) => s.id !== saleId) };
  // Kept with its match as picks, so undoing puts it back on the very same lots.
  return finish(ledger, after, { kind: 'remove-sale', sale: { ...result.sale, picks: picksOf(result) } });
}

/** The empty ledger after "Clear portfolio": ids are not reused, so stale URLs stay stale. */
export function clearLedger(ledger: Ledger): Ledger {
  return { lots: [], sales: [], nextId: ledger.nextId };
}

/**
 * Reverts `undo`, the last change. The result is a plain change (undoing an undo is not offered).
 * A revert restores recorded history, so it counts as confirmed; it is still refused when another
 * change since makes it impossible (`unknown-lot` / `unknown-sale`, `sold-shares`, `oversold`).
 */
export function applyUndo(ledger: Ledger, undo: Undo): LedgerChange {
  switch (undo.kind) {
    case 'add-lot':
      return removeLot(ledger, undo.lotId);
    case 'remove-lot': {
      if (findLot(ledger, undo.lot.id) !== undefined || findSale(ledger, undo.lot.id) !== undefined) {
        // Its id is in use again: only possible in data another program wrote; never overwrite.
        return { ok: false, problem: { kind: 'unknown-lot', lotId: undo.lot.id } };
      }
      const lots = [...ledger.lots];
      lots.splice(Math.min(undo.index, lots.length), 0, undo.lot);
      const after = { ...ledger, lots, nextId: Math.max(ledger.nextId, undo.lot.id + 1) };
      return finish(ledger, after, { kind: 'add-lot', lotId: undo.lot.id }, { confirmed: true });
    }
    case 'edit-lot':
      return editLot(ledger, undo.lot.id, undo.lot, { confirmed: true });
    case 'record-sale':
      return removeSale(ledger, undo.saleId);
    case 'remove-sale': {
      if (findSale(ledger, undo.sale.id) !== undefined || findLot(ledger, undo.sale.id) !== undefined) {
        return { ok: false, problem: { kind: 'unknown-sale', saleId: undo.sale.id } };
      }
      const sales = [...ledger.sales, undo.sale].sort((a, b) => a.id - b.id);
      const after = { ...ledger, sales, nextId: Math.max(ledger.nextId, undo.sale.id + 1) };
      const result = commitChange(ledger, after, { confirmed: true });
      if (result.ok)
        return { ok: true, ledger: result.ledger, undo: { kind: 'record-sale', saleId: undo.sale.id } };
      // Its lots are gone or sold again: say so as for a new sale.
      return result;
    }
  }
}

/** A change made with the current prices in view. */
export type PricedChange =
  | {
      readonly ok: true;
      readonly ledger: Ledger;
      readonly undo: Undo;
      readonly book: PriceBook;
      /** Symbols whose price went with their last lot: say so. */
      readonly dropped: readonly string[];
    }
  | { readonly ok: false; readonly problem: LedgerProblem };

/**
 * Completes `change` for the prices: a price goes with its last lot (`keepHeldPrices`), and the
 * undo of a removal or edit keeps the price it dropped, so undoing brings both back.
 * @param book the prices before the change.
 */
export function withPrices(change: LedgerChange, book: PriceBook): PricedChange {
  if (!change.ok) return change;
  const kept = keepHeldPrices(book, change.ledger);
  let { undo } = change;
  if (undo.kind === 'remove-lot' || undo.kind === 'edit-lot') {
    const price = kept.dropped.includes(undo.lot.symbol) ? book.get(undo.lot.symbol) : undefined;
    if (price !== undefined) undo = { ...undo, price };
  }
  return {
    ...change,
    undo,
    book: kept.book,
    dropped: kept.dropped,
  };
}

/**
 * {@link applyUndo} with the prices: a price the undone change dropped comes back, unless the
 * symbol has a price again by now (that newer one is kept).
 */
export function applyUndoWithPrices(ledger: Ledger, book: PriceBook, undo: Undo): PricedChange {
  const change = withPrices(applyUndo(ledger, undo), book);
  if (!change.ok || (undo.kind !== 'remove-lot' && undo.kind !== 'edit-lot') || undo.price === undefined) {
    return change;
  }
  const symbol = undo.lot.symbol;
  if (change.book.has(symbol) || !change.ledger.lots.some((lot) => lot.symbol === symbol)) return change;
  return { ...change, book: new Map([...change.book, [symbol, undo.price]]) };
}

/** How an {@link Undo} is stored in the session's `undo` key (a dropped price as a last element). */
export type EncodedUndo =
  | ['add', number]
  | ['remove', number, EncodedLot]
  | ['remove', number, EncodedLot, EncodedPrice]
  | ['edit', EncodedLot]
  | ['edit', EncodedLot, EncodedPrice]
  | ['sale', number]
  | ['unsale', EncodedSale];

/** The session form of `undo`. */
export function encodeUndo(undo: Undo): EncodedUndo {
  switch (undo.kind) {
    case 'add-lot':
      return ['add', undo.lotId];
    case 'remove-lot':
      return undo.price === undefined
        ? ['remove', undo.index, encodeLot(undo.lot)]
        : ['remove', undo.index, encodeLot(undo.lot), encodePrice(undo.price)];
    case 'edit-lot':
      return undo.price === undefined
        ? ['edit', encodeLot(undo.lot)]
        : ['edit', encodeLot(undo.lot), encodePrice(undo.price)];
    case 'record-sale':
      return ['sale', undo.saleId];
    case 'remove-sale':
      return ['unsale', encodeSale(undo.sale)];
  }
}

const isIndex = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The one lot or sale an entry holds, read as the ledger reads it; its id must be stored. */
function oneLot(entry: unknown): Lot | undefined {
  const [lot] = decodeLedger({ portfolio: [entry] }).lots;
  return Array.isArray(entry) && entry[4] === lot?.id ? lot : undefined;
}

function oneSale(entry: unknown): Sale | undefined {
  const [sale] = decodeLedger({ sales: [entry] }).sales;
  return Array.isArray(entry) && entry[4] === sale?.id ? sale : undefined;
}

/**
 * Reads the session's `undo`; anything unreadable is no undo. Also reads today's form,
 * `[index, [symbol, shares, price, date?]]`, as a removal: the lot gets the ledger's next id, and
 * since the lot it restores no longer has an id anywhere, that is the id it would have had.
 */
export function decodeUndo(raw: unknown, ledger: Ledger): Undo | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [kind, a, b, c] = raw as unknown[];
  /** The dropped price stored after the lot, if readable. */
  const priceOf = (entry: unknown, lot: Lot): { price?: CurrentPrice } => {
    const price = entry === undefined ? undefined : decodePriceBook({ [lot.symbol]: entry }).get(lot.symbol);
    return price === undefined ? {} : { price };
  };
  if (isIndex(kind) && raw.length === 2) {
    const [holding] = decodeLedger({ portfolio: [a], next_id: ledger.nextId }).lots;
    return holding === undefined ? undefined : { kind: 'remove-lot', index: kind, lot: holding };
  }
  const id = typeof a === 'number' && Number.isSafeInteger(a) && a > 0 ? a : undefined;
  switch (kind) {
    case 'add':
      return id === undefined ? undefined : { kind: 'add-lot', lotId: id };
    case 'sale':
      return id === undefined ? undefined : { kind: 'record-sale', saleId: id };
    case 'remove': {
      const lot = oneLot(b);
      return isIndex(a) && lot !== undefined
        ? { kind: 'remove-lot', index: a, lot, ...priceOf(c, lot) }
        : undefined;
    }
    case 'edit': {
      const lot = oneLot(a);
      return lot === undefined ? undefined : { kind: 'edit-lot', lot, ...priceOf(b, lot) };
    }
    case 'unsale': {
      const sale = oneSale(a);
      return sale === undefined ? undefined : { kind: 'remove-sale', sale };
    }
    default:
      return undefined;
  }
}
