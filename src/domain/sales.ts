/**
 * Matching sales to lots, and the gains that follow: realized per sale and per lot matched,
 * holding periods, unrealized per lot and per position.
 *
 * The rule: sales are replayed in recording order (ascending id). Each takes its picked lots when
 * it has picks, and otherwise first in, first out: the lots of its symbol bought on or before its
 * date (lots without a date, saved before dates existed, count as the oldest), oldest first, ties
 * by id, that still have unsold shares and were recorded before the sale (a lower id). That last
 * condition, and replaying in recording order, make the match exactly what it was when the sale
 * was recorded, without storing it: a lot recorded later, even one dated earlier, never changes an
 * earlier sale.
 *
 * History never changes silently. {@link commitChange} applies every change to the ledger through
 * one check: a sale whose match would differ is pinned to its previous match (stored as picks, the
 * only time a first-in-first-out sale costs bytes); a change that leaves a sale short of shares
 * (removing a sold lot, cutting its shares, moving its date past the sale or its symbol away) is
 * refused, naming the sales; and a change that alters a recorded sale's realized gain or holding
 * period (correcting the price, fee or date of a sold lot) is refused unless the caller says the
 * visitor confirmed it, and the refusal lists each sale's realized gain before and after.
 * @module
 */
import {
  add,
  compare,
  divide,
  multiply,
  subtract,
  sum,
  toCanonicalString,
  ZERO,
  type Decimal,
} from './decimal.js';
import { amountOf, type Ledger, type Lot, type Pick, type Sale } from './ledger.js';

/** Fraction digits of a fee's share in part of a lot or sale (far below a cent: rounding never shows). */
export const FEE_SHARE_SCALE = 10;

/** Days after which a holding is long-term (held more than a year). */
export const LONG_TERM_DAYS = 365;

/** Short-term (≤ {@link LONG_TERM_DAYS} days), long-term, or unknown (a lot without a date). */
export type Term = 'short' | 'long' | 'unknown';

const MS_PER_DAY = 86_400_000;

// Day numbers of the dates seen, so a replay of thousands of lots parses each date once.
const dayNumbers = new Map<string, number>();
const DAY_NUMBERS_KEPT = 10_000;

function dayNumber(text: string): number {
  let day = dayNumbers.get(text);
  if (day === undefined) {
    day =
      Date.UTC(Number(text.slice(0, 4)), Number(text.slice(5, 7)) - 1, Number(text.slice(8, 10))) /
      MS_PER_DAY;
    if (dayNumbers.size >= DAY_NUMBERS_KEPT) dayNumbers.clear();
    dayNumbers.set(text, day);
  }
  return day;
}

/** Days from `from` to `to`, both `YYYY-MM-DD` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/** The term of a holding of `days` days (`undefined`: the lot has no date). */
export function termOf(days: number | undefined): Term {
  return days === undefined ? 'unknown' : days > LONG_TERM_DAYS ? 'long' : 'short';
}

/**
 * `fee × part ÷ whole`, rounded to {@link FEE_SHARE_SCALE} places; the whole fee for the whole.
 *
 * A lot's buy fee is shared this way, part by part, with no regard to which sale came first: so a
 * sale's realized gain never depends on other sales (removing one changes no other, and an
 * export → import, which may record sales in another order, gives the same gains to the last
 * digit). The price: the parts of a lot sold out in several sales may add up to its fee ± a few
 * 10⁻¹⁰ dollars; a lot with shares left carries the exact rest of its fee.
 */
function feeShare(fee: Decimal, part: Decimal, whole: Decimal): Decimal {
  if (fee.units === 0n) return ZERO;
  return compare(part, whole) === 0 ? fee : divide(multiply(fee, part), whole, FEE_SHARE_SCALE);
}

const feeOf = (record: { readonly fee?: string }): Decimal =>
  record.fee === undefined ? ZERO : amountOf(record.fee);

/** Some shares of one lot matched to one sale, and what they gained. */
export interface Allocation {
  readonly lotId: number;
  readonly shares: Decimal;
  /** The lot's purchase date (absent for an undated lot). */
  readonly boughtOn: string | undefined;
  /** shares × sale price. */
  readonly proceeds: Decimal;
  /** This part's share of the sale fee. */
  readonly saleFee: Decimal;
  /** shares × lot price, plus this part's share of the lot's buy fee. */
  readonly cost: Decimal;
  /** proceeds − saleFee − cost. */
  readonly gain: Decimal;
  /** Days held; absent for an undated lot. */
  readonly days: number | undefined;
  readonly term: Term;
}

/** A sale, its match and its realized gain. */
export interface SaleResult {
  readonly sale: Sale;
  readonly allocations: readonly Allocation[];
  /** Shares no lot could cover: zero in every ledger this module writes (see {@link commitChange}). */
  readonly shortfall: Decimal;
  /** shares × price − fee. */
  readonly proceeds: Decimal;
  readonly cost: Decimal;
  /** Realized gain: proceeds − cost, the sum of the allocations' gains exactly. */
  readonly gain: Decimal;
}

/** A lot after the sales: what is left of it. */
export interface LotState {
  readonly lot: Lot;
  readonly shares: Decimal;
  /** Shares sold from it. */
  readonly sold: Decimal;
  /** Shares still held. */
  readonly remaining: Decimal;
  /** Cost basis of the remaining shares, buy fee share included. */
  readonly remainingCost: Decimal;
}

/** The ledger replayed. */
export interface Matching {
  /** In recording order. */
  readonly sales: readonly SaleResult[];
  /** Every lot, keyed by id. */
  readonly lots: ReadonlyMap<number, LotState>;
}

interface LotTally {
  readonly lot: Lot;
  readonly shares: Decimal;
  readonly price: Decimal;
  readonly fee: Decimal;
  sold: Decimal;
  /** Sum of the buy fee shares of the parts sold. */
  feeTaken: Decimal;
}

/** Lots of one symbol in first-in-first-out order: undated first, then by date, ties by id. */
function fifoOrder(a: Lot, b: Lot): number {
  if (a.date !== b.date) {
    if (a.date === undefined) return -1;
    if (b.date === undefined) return 1;
    return a.date < b.date ? -1 : 1;
  }
  return a.id - b.id;
}

/** Whether `sale` may take shares of `lot` at all (same symbol, recorded before, bought by then). */
function eligible(lot: Lot, sale: Sale): boolean {
  return lot.symbol === sale.symbol && lot.id < sale.id && (lot.date === undefined || lot.date <= sale.date);
}

/** Options of {@link matchSales}. */
export interface MatchOptions {
  /**
   * A sale that cannot be covered in full takes no shares at all (default: it takes what there
   * is); it has no allocations, and its shortfall is still the shares missing. For checking many
   * new sales at once: one short sale then does not make the next look short.
   */
  readonly shortSalesTakeNothing?: boolean;
}

/**
 * Replays the ledger (see the module comment). Never throws on a ledger `decodeLedger` gives: a
 * sale that no lot can cover (possible only in data another program wrote) gets a shortfall.
 */
export function matchSales(ledger: Ledger, options: MatchOptions = {}): Matching {
  const tallies = new Map<number, LotTally>();
  const bySymbol = new Map<string, LotTally[]>();
  for (const lot of ledger.lots) {
    const tally: LotTally = {
      lot,
      shares: amountOf(lot.shares),
      price: amountOf(lot.price),
      fee: feeOf(lot),
      sold: ZERO,
      feeTaken: ZERO,
    };
    tallies.set(lot.id, tally);
    const list = bySymbol.get(lot.symbol);
    if (list === undefined) bySymbol.set(lot.symbol, [tally]);
    else list.push(tally);
  }
  for (const list of bySymbol.values()) list.sort((a, b) => fifoOrder(a.lot, b.lot));
  // Per symbol, the lots before this index are sold out: the FIFO scan starts past them.
  const firstOpen = new Map<string, number>();

  // Stored in recording order already; sorting a copy keeps a hand-built ledger right too.
  const inOrder = ledger.sales.every((sale, i) => i === 0 || (ledger.sales[i - 1]?.id ?? 0) < sale.id);
  const results = (inOrder ? ledger.sales : [...ledger.sales].sort((a, b) => a.id - b.id)).map(
    (sale): SaleResult => {
      const shares = amountOf(sale.shares);
      const price = amountOf(sale.price);
      const fee = feeOf(sale);
      const taken: Part[] = [];
      let wanted = shares;
      const take = (tally: LotTally, most: Decimal) => {
        const open = subtract(tally.shares, tally.sold);
        const part = compare(open, most) < 0 ? open : most;
        if (part.units <= 0n) return;
        const buyFee = feeShare(tally.fee, part, tally.shares);
        taken.push({ tally, shares: part, buyFee });
        tally.sold = add(tally.sold, part);
        tally.feeTaken = add(tally.feeTaken, buyFee);
        wanted = subtract(wanted, part);
      };
      if (sale.picks !== undefined) {
        for (const pick of sale.picks) {
          const tally = tallies.get(pick.lotId);
          if (tally !== undefined && eligible(tally.lot, sale)) take(tally, amountOf(pick.shares));
        }
      } else {
        const list = bySymbol.get(sale.symbol) ?? [];
        let i = firstOpen.get(sale.symbol) ?? 0;
        for (
          let open = list[i];
          open !== undefined && compare(open.sold, open.shares) >= 0;
          open = list[++i]
        );
        firstOpen.set(sale.symbol, i);
        for (let j = i; j < list.length && wanted.units > 0n; j++) {
          const tally = list[j];
          if (tally === undefined) continue;
          // Sorted by date: every later lot was bought after the sale too.
          if (tally.lot.date !== undefined && tally.lot.date > sale.date) break;
          if (eligible(tally.lot, sale)) take(tally, wanted);
        }
      }
      if (wanted.units > 0n && options.shortSalesTakeNothing === true) {
        for (const part of taken) {
          part.tally.sold = subtract(part.tally.sold, part.shares);
          part.tally.feeTaken = subtract(part.tally.feeTaken, part.buyFee);
        }
        return settle(sale, shares, price, fee, [], wanted);
      }
      return settle(sale, shares, price, fee, taken, wanted);
    },
  );

  const lots = new Map<number, LotState>();
  for (const [id, tally] of tallies) {
    const remaining = subtract(tally.shares, tally.sold);
    // A sold-out lot has no cost left, whatever rounding remainder its fee's parts leave.
    const feeLeft = remaining.units === 0n ? ZERO : subtract(tally.fee, tally.feeTaken);
    lots.set(id, {
      lot: tally.lot,
      shares: tally.shares,
      sold: tally.sold,
      remaining,
      remainingCost: add(multiply(remaining, tally.price), feeLeft),
    });
  }
  return { sales: results, lots };
}

/** Some shares a sale took from one lot, and their share of its buy fee. */
interface Part {
  readonly tally: LotTally;
  readonly shares: Decimal;
  readonly buyFee: Decimal;
}

/** The sale's figures from the parts it took. */
function settle(
  sale: Sale,
  shares: Decimal,
  price: Decimal,
  fee: Decimal,
  taken: readonly Part[],
  shortfall: Decimal,
): SaleResult {
  // The sale fee is shared by the parts cumulatively, in lot-id order (not match order), so
  // the parts add up to the fee exactly and the same lots and shares always get the same shares.
  const saleFees = new Map<Part, Decimal>();
  let cumulative = ZERO;
  for (const part of [...taken].sort((a, b) => a.tally.lot.id - b.tally.lot.id)) {
    const next = add(cumulative, part.shares);
    saleFees.set(part, subtract(feeShare(fee, next, shares), feeShare(fee, cumulative, shares)));
    cumulative = next;
  }
  const allocations = taken.map((piece): Allocation => {
    const { tally, shares: part, buyFee } = piece;
    const saleFee = saleFees.get(piece) ?? ZERO;
    const proceeds = multiply(part, price);
    const cost = add(multiply(part, tally.price), buyFee);
    const days = tally.lot.date === undefined ? undefined : daysBetween(tally.lot.date, sale.date);
    return {
      lotId: tally.lot.id,
      shares: part,
      boughtOn: tally.lot.date,
      proceeds,
      saleFee,
      cost,
      gain: subtract(subtract(proceeds, saleFee), cost),
      days,
      term: termOf(days),
    };
  });
  // The fee of the shares no lot covered stays with the sale, so proceeds are always shares × price − fee.
  const proceeds = subtract(multiply(shares, price), fee);
  const cost = sum(allocations.map((a) => a.cost));
  return { sale, allocations, shortfall, proceeds, cost, gain: subtract(proceeds, cost) };
}

/** A sale's match as picks: what pinning it stores. */
export function picksOf(result: SaleResult): Pick[] {
  const merged = new Map<number, Decimal>();
  for (const a of result.allocations) merged.set(a.lotId, add(merged.get(a.lotId) ?? ZERO, a.shares));
  return [...merged].map(([lotId, shares]) => ({ lotId, shares: toCanonicalString(shares) }));
}

function sameMatch(a: SaleResult, b: SaleResult): boolean {
  const x = picksOf(a);
  const y = picksOf(b);
  return x.length === y.length && x.every((p, i) => p.lotId === y[i]?.lotId && p.shares === y[i].shares);
}

/** How a recorded sale's outcome would change. */
export interface RealizedChange {
  readonly saleId: number;
  readonly before: Decimal;
  readonly after: Decimal;
}

/** Why a change to the ledger was not made. Each names what the form needs for its message. */
export type LedgerProblem =
  /** The lot is gone (removed in another tab, or never existed): "already removed or moved". */
  | { readonly kind: 'unknown-lot'; readonly lotId: number }
  | { readonly kind: 'unknown-sale'; readonly saleId: number }
  /** More shares than are held, as of the sale's date. */
  | {
      readonly kind: 'oversold';
      readonly symbol: string;
      readonly date: string;
      readonly requested: Decimal;
      /** Unsold shares of lots bought on or before `date`. */
      readonly available: Decimal;
    }
  /** A picked lot cannot give the shares asked of it. */
  | {
      readonly kind: 'bad-pick';
      readonly lotId: number;
      readonly reason: 'unknown-lot' | 'other-symbol' | 'bought-after-sale' | 'not-enough';
      /** Unsold shares of that lot, when it exists. */
      readonly available: Decimal;
    }
  /** The picks do not add up to the shares sold. */
  | { readonly kind: 'picks-total'; readonly picked: Decimal; readonly requested: Decimal }
  /** The change would take sold shares away from these recorded sales: remove them first. */
  | { readonly kind: 'sold-shares'; readonly lotId: number | undefined; readonly saleIds: readonly number[] }
  /** The change would alter recorded sales' realized gains or holding periods: ask, then pass `confirmed`. */
  | { readonly kind: 'changes-realized'; readonly changes: readonly RealizedChange[] };

/** The outcome of a change: the new ledger, or why not. */
export type ChangeResult =
  { readonly ok: true; readonly ledger: Ledger } | { readonly ok: false; readonly problem: LedgerProblem };

/** Options of a change. */
export interface ChangeOptions {
  /** The visitor confirmed that recorded sales' realized gains may change (a correction). Default false. */
  readonly confirmed?: boolean;
  /** Which lot the change is about, for the `sold-shares` problem. */
  readonly lotId?: number;
}

function outcomeKey(result: SaleResult): string {
  return [
    toCanonicalString(result.gain),
    ...result.allocations.map((a) => `${a.lotId}:${toCanonicalString(a.shares)}:${a.boughtOn ?? ''}`),
  ].join(' ');
}

/**
 * Checks and completes a change from `before` to `after` (see the module comment): pins every
 * recorded sale whose match would move, refuses a change that leaves a recorded sale short, and
 * refuses one that changes a recorded sale's realized gain or holding period unless `confirmed`.
 * Sales in `after` that are not in `before` (a new sale) must be covered in full, or the result is
 * `oversold` (or a pick problem, for picks).
 */
export function commitChange(before: Ledger, after: Ledger, options: ChangeOptions = {}): ChangeResult {
  const previous = new Map(matchSales(before).sales.map((r) => [r.sale.id, r]));
  let ledger = after;
  let matching = matchSales(ledger);
  // Each round pins at least one more sale, so this ends within as many rounds as there are sales.
  for (let round = 0; round <= ledger.sales.length; round++) {
    const moved = new Set(
      matching.sales
        .filter((r) => r.sale.picks === undefined)
        .filter((r) => {
          const old = previous.get(r.sale.id);
          return old !== undefined && !sameMatch(old, r);
        })
        .map((r) => r.sale.id),
    );
    if (moved.size === 0) break;
    ledger = {
      ...ledger,
      sales: ledger.sales.map((sale) => {
        const old = previous.get(sale.id);
        return moved.has(sale.id) && old !== undefined ? { ...sale, picks: picksOf(old) } : sale;
      }),
    };
    matching = matchSales(ledger);
  }

  const short: number[] = [];
  for (const result of matching.sales) {
    const old = previous.get(result.sale.id);
    if (old === undefined) {
      if (result.shortfall.units > 0n) return { ok: false, problem: newSaleProblem(ledger, result) };
    } else if (compare(result.shortfall, old.shortfall) > 0) {
      short.push(result.sale.id);
    }
  }
  if (short.length > 0) {
    return { ok: false, problem: { kind: 'sold-shares', lotId: options.lotId, saleIds: short } };
  }
  if (options.confirmed !== true) {
    const changes = matching.sales.flatMap((result): RealizedChange[] => {
      const old = previous.get(result.sale.id);
      return old !== undefined && outcomeKey(old) !== outcomeKey(result)
        ? [{ saleId: result.sale.id, before: old.gain, after: result.gain }]
        : [];
    });
    if (changes.length > 0) return { ok: false, problem: { kind: 'changes-realized', changes } };
  }
  return { ok: true, ledger };
}

/** Why a new sale could not be covered. */
function newSaleProblem(ledger: Ledger, result: SaleResult): LedgerProblem {
  const { sale } = result;
  const requested = amountOf(sale.shares);
  if (sale.picks === undefined) {
    return {
      kind: 'oversold',
      symbol: sale.symbol,
      date: sale.date,
      requested,
      available: subtract(requested, result.shortfall),
    };
  }
  // Which pick failed: replay without this sale to see what each lot had left.
  const open = matchSales({ ...ledger, sales: ledger.sales.filter((s) => s.id !== sale.id) }).lots;
  for (const pick of sale.picks) {
    const state = open.get(pick.lotId);
    const available = state?.remaining ?? ZERO;
    const reason =
      state === undefined
        ? 'unknown-lot'
        : state.lot.symbol !== sale.symbol
          ? 'other-symbol'
          : state.lot.date !== undefined && state.lot.date > sale.date
            ? 'bought-after-sale'
            : compare(available, amountOf(pick.shares)) < 0
              ? 'not-enough'
              : undefined;
    if (reason !== undefined) return { kind: 'bad-pick', lotId: pick.lotId, reason, available };
  }
  return { kind: 'picks-total', picked: sum(sale.picks.map((p) => amountOf(p.shares))), requested };
}
