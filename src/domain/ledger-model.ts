/**
 * The ledger: buy lots and sales, each with a short id that names it for good, the fee rule they
 * share, and how a record is found by its id.
 *
 * Ids: one counter (`next_id` in the session) numbers lots and sales alike, from 1, in the order
 * they are recorded. An id is never reused, not even after its record is removed, so a URL such as
 * `/lots/7/edit` names one record for ever and a stale one is detected (the id is gone), never
 * silently pointed at another record. The order of ids is also the recording order, which
 * `sales-match.ts` replays to match sales to lots.
 *
 * Apart from the session form (`ledger.ts`, which encodes and decodes this model and re-exports
 * it) so that the matching and gain modules can use the model without the decoder.
 * @module
 */
import {
  add,
  compare,
  decimal,
  multiply,
  normalize,
  parseDecimal,
  toCanonicalString,
  ZERO,
  type Decimal,
} from './decimal.js';
import type { AmountRule, Holding } from './portfolio.js';

/** A buy lot: a holding with its id and, when there was one, the broker's fee. */
export interface Lot extends Holding {
  /** Unique within the ledger, never reused; a positive safe integer. */
  readonly id: number;
  /** Buy fee in dollars (canonical decimal, > 0); absent when none. Part of the lot's cost basis. */
  readonly fee?: string;
}

/** Shares of one lot a sale takes, chosen by the visitor (or fixed by a later change). */
export interface Pick {
  readonly lotId: number;
  /** Canonical decimal string, > 0. */
  readonly shares: string;
}

/** A sale: shares of one symbol sold at a price on a date. */
export interface Sale {
  readonly id: number;
  readonly symbol: string;
  readonly shares: string;
  /** Sale price per share. */
  readonly price: string;
  /** `YYYY-MM-DD`; every sale has one (the holding period needs it). */
  readonly date: string;
  /** Sale fee in dollars, > 0; absent when none. */
  readonly fee?: string;
  /** The lots sold, when not first-in-first-out; their shares add up to `shares`. */
  readonly picks?: readonly Pick[];
}

/** Every lot and sale, and the next id to hand out. */
export interface Ledger {
  /** In portfolio (display) order. */
  readonly lots: readonly Lot[];
  /** In recording order (ascending id). */
  readonly sales: readonly Sale[];
  /** Greater than every id in use or ever used. */
  readonly nextId: number;
}

/** The empty ledger. */
export const EMPTY_LEDGER: Ledger = Object.freeze({ lots: [], sales: [], nextId: 1 });

/** A fee: zero or more (zero is stored as no fee), at most $1,000,000, at most 4 decimals. */
export const FEE_RULE: AmountRule = Object.freeze({ max: decimal(1_000_000n, 0), maxFractionDigits: 4 });

/** Why a fee is not acceptable. */
export type FeeProblem = 'negative' | 'too-many-decimals' | 'too-large';

/** Checks a fee; `undefined` means it is valid (zero is valid and means "no fee"). */
export function checkFee(value: Decimal): FeeProblem | undefined {
  if (value.units < 0n) return 'negative';
  if (value.units === 0n) return undefined;
  // checkAmount's rules, apart from "positive".
  if (normalize(value).scale > FEE_RULE.maxFractionDigits) return 'too-many-decimals';
  if (compare(value, FEE_RULE.max) > 0) return 'too-large';
  return undefined;
}

/** `fee` as stored: canonical, or `undefined` for none (zero). */
export function storedFee(value: Decimal): string | undefined {
  return value.units === 0n ? undefined : toCanonicalString(value);
}

/**
 * A stored amount (canonical by construction) as a {@link Decimal}.
 * @throws TypeError when `text` is not a decimal: a bug, since stored amounts are checked on the way in.
 */
export function amountOf(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new TypeError(`Not a decimal: ${JSON.stringify(text)}`);
  return value;
}

/** A lot's amounts, parsed: what every replay and every figure of the lot starts from. */
export interface LotAmounts {
  readonly shares: Decimal;
  readonly price: Decimal;
  /** Zero when the lot has no fee. */
  readonly fee: Decimal;
  /** shares × price + fee: the cost basis of the whole lot. */
  readonly cost: Decimal;
}

function parseLotAmounts(lot: Lot): LotAmounts {
  const shares = amountOf(lot.shares);
  const price = amountOf(lot.price);
  const product = multiply(shares, price);
  if (lot.fee === undefined) return { shares, price, fee: ZERO, cost: product };
  const fee = amountOf(lot.fee);
  return { shares, price, fee, cost: add(product, fee) };
}

/**
 * Parsed amounts by the lots array they were parsed from, for frozen arrays of frozen lots only: a
 * frozen value cannot change, so one parse serves the replay, the gains and the positions of a
 * page (and every page of a cookie whose decoded ledger the session layer shares). Keyed by the
 * array, not by each lot, so a large ledger costs one entry, not one per lot.
 */
const parsedLots = new WeakMap<readonly Lot[], readonly LotAmounts[]>();

/**
 * The amounts of each of `lots`, in the same order: parsed once per frozen array of frozen lots
 * (see above), parsed afresh for anything else (a ledger being built or changed).
 */
export function lotAmounts(lots: readonly Lot[]): readonly LotAmounts[] {
  const known = parsedLots.get(lots);
  if (known !== undefined) return known;
  const amounts = lots.map(parseLotAmounts);
  if (Object.isFrozen(lots) && lots.every((lot) => Object.isFrozen(lot))) {
    parsedLots.set(lots, Object.freeze(amounts));
  }
  return amounts;
}

/**
 * Records `amounts` as the amounts of `lots` (one each, in order, equal to what {@link lotAmounts}
 * would parse), for the decoder, which parsed them while checking the stored lots. Kept only for a
 * frozen array of frozen lots, as {@link lotAmounts} keeps its own.
 * @throws RangeError when there is not one amount per lot (a bug).
 */
export function rememberLotAmounts(lots: readonly Lot[], amounts: readonly LotAmounts[]): void {
  if (amounts.length !== lots.length) {
    throw new RangeError(`${amounts.length} amounts for ${lots.length} lots`);
  }
  if (Object.isFrozen(lots) && lots.every((lot) => Object.isFrozen(lot))) {
    parsedLots.set(lots, Object.freeze([...amounts]));
  }
}

/**
 * The lots of `symbol`, in their order: `lots` itself when they all are, and otherwise, for lots
 * whose amounts {@link lotAmounts} keeps, a frozen list that keeps theirs too, so that one
 * symbol's page of a large portfolio does not parse its lots again.
 */
export function lotsOfSymbol(lots: readonly Lot[], symbol: string): readonly Lot[] {
  const known = parsedLots.get(lots);
  const mine: Lot[] = [];
  const amounts: LotAmounts[] = [];
  lots.forEach((lot, i) => {
    if (lot.symbol !== symbol) return;
    mine.push(lot);
    const parsed = known?.[i];
    if (parsed !== undefined) amounts.push(parsed);
  });
  if (mine.length === lots.length) return lots;
  if (known === undefined) return mine;
  const frozen = Object.freeze(mine);
  rememberLotAmounts(frozen, amounts);
  return frozen;
}

/** The lot with `id`, if it is still there. */
export function findLot(ledger: Ledger, id: number): Lot | undefined {
  return ledger.lots.find((lot) => lot.id === id);
}

/** The sale with `id`, if it is still there. */
export function findSale(ledger: Ledger, id: number): Sale | undefined {
  return ledger.sales.find((sale) => sale.id === id);
}

/**
 * Reads the id in a URL segment (`/lots/7/edit`): digits only, no sign, no leading zero, a safe
 * integer; anything else is no id (the route answers 404 or "already removed or moved").
 */
export function parseRecordId(text: string): number | undefined {
  if (!/^[1-9][0-9]{0,15}$/.test(text)) return undefined;
  const id = Number(text);
  return Number.isSafeInteger(id) ? id : undefined;
}
