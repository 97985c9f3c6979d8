/**
 * The compact form the ledger (`ledger-model.ts`) takes in the session, and the tolerant reader
 * that turns any session back into a ledger.
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
import { add, compare, parseDecimal, ZERO } from './decimal.js';
import { isIsoDate } from './dates.js';
import {
  amountOf,
  checkFee,
  storedFee,
  type Ledger,
  type Lot,
  type Pick,
  type Sale,
} from './ledger-model.js';
import {
  checkSymbol,
  decodePortfolio,
  normalizeSymbol,
  PRICE_RULE,
  readAmount,
  SHARES_RULE,
  type Holding,
} from './portfolio.js';

export {
  amountOf,
  checkFee,
  EMPTY_LEDGER,
  FEE_RULE,
  findLot,
  findSale,
  lotAmounts,
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

const isId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function readFee(raw: unknown): string | undefined | null {
  if (raw === undefined || raw === null) return undefined;
  const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
  const value = text === undefined ? undefined : parseDecimal(text);
  // null: present but unreadable.
  if (value === undefined || checkFee(value) !== undefined) return null;
  return storedFee(value);
}

interface LotEntry {
  readonly holding: Holding;
  readonly id?: number;
  readonly fee?: string;
}

/** A lot's fields in the new layout, its id (if valid) and fee; undefined when it is not a lot. */
function decodeLotEntry(entry: unknown): LotEntry | undefined {
  if (!Array.isArray(entry) || entry.length < 5) {
    const [holding] = decodePortfolio([entry]);
    return holding === undefined ? undefined : { holding };
  }
  const [symbol, shares, price, date, id, fee] = entry as unknown[];
  // decodePortfolio reads the first four; a null date reads as none.
  const [holding] = decodePortfolio([[symbol, shares, price, date ?? '']]);
  if (holding === undefined) return undefined;
  const readFeeValue = readFee(fee);
  // A fee we cannot read costs the fee, not the lot: the purchase itself is still valid.
  return {
    holding,
    ...(isId(id) ? { id } : {}),
    ...(typeof readFeeValue === 'string' ? { fee: readFeeValue } : {}),
  };
}

function decodePicks(raw: unknown, shares: string): Pick[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const picks: Pick[] = [];
  let total = ZERO;
  for (const entry of raw as unknown[]) {
    if (!Array.isArray(entry) || entry.length !== 2) return undefined;
    const [lotId, rawShares] = entry as unknown[];
    const pickShares = readAmount(rawShares, SHARES_RULE);
    if (!isId(lotId) || pickShares === undefined) return undefined;
    picks.push({ lotId, shares: pickShares });
    total = add(total, amountOf(pickShares));
  }
  return compare(total, amountOf(shares)) === 0 ? picks : undefined;
}

function decodeSaleEntry(entry: unknown): (Omit<Sale, 'id'> & { id?: number }) | undefined {
  if (!Array.isArray(entry) || entry.length < 4 || entry.length > 7) return undefined;
  const [rawSymbol, rawShares, rawPrice, date, id, rawFee, rawPicks] = entry as unknown[];
  if (typeof rawSymbol !== 'string' || typeof date !== 'string' || !isIsoDate(date)) return undefined;
  const symbol = normalizeSymbol(rawSymbol);
  const shares = readAmount(rawShares, SHARES_RULE);
  const price = readAmount(rawPrice, PRICE_RULE);
  const fee = readFee(rawFee);
  if (checkSymbol(symbol) !== undefined || shares === undefined || price === undefined || fee === null) {
    // A sale is never half-read: without its fee the realized gain would be wrong.
    return undefined;
  }
  const picks = rawPicks === undefined ? undefined : decodePicks(rawPicks, shares);
  if (rawPicks !== undefined && picks === undefined) return undefined;
  return {
    symbol,
    shares,
    price,
    date,
    ...(isId(id) ? { id } : {}),
    ...(fee === undefined ? {} : { fee }),
    ...(picks === undefined ? {} : { picks }),
  };
}

/**
 * Reads the ledger from the session's fields. Tolerant, and never throws, like `decodePortfolio`:
 * entries that break the rules are dropped (lots: as `decodePortfolio` would; a lot whose fee is
 * unreadable keeps the lot without the fee; a sale with any unreadable field is dropped whole).
 *
 * Ids, deterministically: an entry keeps its stored id when it is a positive integer not already
 * taken by an earlier entry (lots first, in stored order, then sales); every other entry (old
 * cookies, the seed app's holding appended by the caller) gets the next free id in that same order,
 * starting from the larger of the stored `next_id` and one past the largest id kept. So an old
 * cookie's lots are numbered 1, 2, 3… in portfolio order on every read until a write stores them.
 * @param legacy holdings read from elsewhere (the seed app's top-level keys), appended as lots.
 */
export function decodeLedger(
  raw: Readonly<Record<string, unknown>>,
  legacy: readonly Holding[] = [],
): Ledger {
  const rawLots: unknown[] = Array.isArray(raw['portfolio']) ? (raw['portfolio'] as unknown[]) : [];
  const rawSales: unknown[] = Array.isArray(raw['sales']) ? (raw['sales'] as unknown[]) : [];
  const lotEntries: LotEntry[] = [
    ...rawLots.map(decodeLotEntry).filter((e) => e !== undefined),
    ...legacy.map((holding) => ({ holding })),
  ];
  const saleEntries = rawSales.map(decodeSaleEntry).filter((e) => e !== undefined);

  const taken = new Set<number>();
  const keep = (id: number | undefined): number | undefined => {
    if (id === undefined || taken.has(id)) return undefined;
    taken.add(id);
    return id;
  };
  const lotIds = lotEntries.map((e) => keep(e.id));
  const saleIds = saleEntries.map((e) => keep(e.id));
  const storedNext = isId(raw['next_id']) ? raw['next_id'] : 1;
  let nextId = Math.max(storedNext, ...[...taken].map((id) => id + 1));
  const fresh = (id: number | undefined) => id ?? nextId++;

  const lots = lotEntries.map(({ holding, fee }, i): Lot => ({
    ...holding,
    id: fresh(lotIds[i]),
    ...(fee === undefined ? {} : { fee }),
  }));
  const sales = saleEntries.map((entry, i): Sale => ({ ...entry, id: fresh(saleIds[i]) }));
  // Recording order: sales are replayed by id (see sales.ts).
  sales.sort((a, b) => a.id - b.id);
  return { lots, sales, nextId };
}
