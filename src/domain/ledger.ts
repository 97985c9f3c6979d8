/**
 * The compact form the ledger (`ledger-model.ts`) takes in the session, and (from
 * `ledger-decode.ts`) the tolerant reader that turns any session back into a ledger.
 *
 * Session layout (every element a JSON string, number or null, so Flask reads it as it is):
 * - `portfolio`: lots, `[symbol, shares, price, date|null, id]` or `[symbol, shares, price,
 *   date|null, id, fee]`. The first three or four elements are those of today's holdings, so a
 *   Flask view's `symbol, shares, price = entry[:3]` still works.
 * - `sales`: `[symbol, shares, price, date, id]`, `[..., id, fee]`, or, when the visitor picked
 *   the lots or a later change had to fix the match (see `sales.ts`), `[..., id, fee|null,
 *   [[lotId, shares], ...]]`.
 * - `next_id`: the next id to hand out.
 *
 * Old cookies (entries of 3 or 4 elements, or the Flask tutorial's dicts) have no ids: decoding
 * gives them ids deterministically (see {@link decodeLedger}), so the ids a page shows before the
 * first write are the ids that write stores.
 *
 * The model itself is re-exported from here, so callers keep one import for "the ledger".
 * @module
 */
import type { Ledger, Lot, Sale } from './ledger-model.js';

// The reader lives in its own module; callers keep one import for "the ledger".
export { decodeFrozenLedger, decodeLedger } from './ledger-decode.js';

export {
  amountOf,
  checkFee,
  EMPTY_LEDGER,
  FEE_RULE,
  findLot,
  findSale,
  lotAmounts,
  lotsOfSymbol,
  parseRecordId,
  storedFee,
  type FeeProblem,
  type Ledger,
  type Lot,
  type LotAmounts,
  type Pick,
  type Sale,
} from './ledger-model.js';

/** A lot as stored in the session. */
export type EncodedLot =
  | [symbol: string, shares: string, price: string, date: string | null, id: number]
  | [symbol: string, shares: string, price: string, date: string | null, id: number, fee: string];

/** One pick as stored: `[lotId, shares]`. */
export type EncodedPick = [lotId: number, shares: string];

/** A sale as stored in the session. */
export type EncodedSale =
  | [symbol: string, shares: string, price: string, date: string, id: number]
  | [symbol: string, shares: string, price: string, date: string, id: number, fee: string]
  | [
      symbol: string,
      shares: string,
      price: string,
      date: string,
      id: number,
      fee: string | null,
      picks: EncodedPick[],
    ];

/** The session fields the ledger occupies; an absent field is an empty list (or, for `next_id`, 1). */
export interface EncodedLedger {
  portfolio?: EncodedLot[];
  sales?: EncodedSale[];
  next_id?: number;
}

/** The session form of one lot. */
export function encodeLot({ symbol, shares, price, date, id, fee }: Lot): EncodedLot {
  const base = [symbol, shares, price, date ?? null, id] as const;
  return fee === undefined ? [...base] : [...base, fee];
}

/** The session form of one sale. */
export function encodeSale({ symbol, shares, price, date, id, fee, picks }: Sale): EncodedSale {
  const base = [symbol, shares, price, date, id] as const;
  if (picks !== undefined) return [...base, fee ?? null, picks.map((p): EncodedPick => [p.lotId, p.shares])];
  return fee === undefined ? [...base] : [...base, fee];
}

/**
 * The session fields of `ledger`. Empty lists are left out (the session key is deleted), but
 * `next_id` stays whenever it is past 1, so ids are not reused after the last record goes.
 */
export function encodeLedger(ledger: Ledger): EncodedLedger {
  const encoded: EncodedLedger = {};
  if (ledger.lots.length > 0) encoded.portfolio = ledger.lots.map(encodeLot);
  if (ledger.sales.length > 0) encoded.sales = ledger.sales.map(encodeSale);
  if (ledger.nextId > 1) encoded.next_id = ledger.nextId;
  return encoded;
}
