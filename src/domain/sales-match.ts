/**
 * Matching sales to lots: the replay that decides which shares of which lots each sale took, and
 * what is left of every lot afterwards.
 *
 * The rule: sales are replayed in recording order (ascending id). Each takes its picked lots when
 * it has picks, and otherwise first in, first out: the lots of its symbol bought on or before its
 * date (lots without a date, saved before dates existed, count as the oldest), oldest first, ties
 * by id, that still have unsold shares and were recorded before the sale (a lower id). That last
 * condition, and replaying in recording order, make the match exactly what it was when the sale
 * was recorded, without storing it: a lot recorded later, even one dated earlier, never changes an
 * earlier sale.
 *
 * Apart from the realized gain (`sales-gain.ts`, the money of one matched sale) and from the check
 * that keeps history from changing silently (`sales.ts`, which replays twice and compares): this
 * module is the replay itself, the hot loop of every page that shows gains.
 * @module
 */
import { add, compare, multiply, subtract, toCanonicalString, ZERO, type Decimal } from './decimal.js';
import {
  amountOf,
  lotAmounts,
  type Ledger,
  type LotAmounts,
  type Lot,
  type Pick,
  type Sale,
} from './ledger-model.js';
import { feeOf, feeShare, settleSale, type Part, type SaleResult } from './sales-gain.js';

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

/** A part taken during the replay: it remembers its lot's tally, so a short sale can give it back. */
interface TakenPart extends Part {
  readonly from: LotTally;
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
  const { sales, tallies } = replay(ledger, options);
  const amounts = lotAmounts(ledger.lots);
  const lots = new Map<number, LotState>();
  ledger.lots.forEach((lot, i) => {
    const tally = tallies.get(lot.id);
    if (tally !== undefined) {
      lots.set(lot.id, stateOf(tally));
      return;
    }
    // A lot no sale could take (no sale of its symbol): all of it is held, at its whole cost.
    const { shares, cost } = amountsAt(amounts, i);
    lots.set(lot.id, { lot, shares, sold: ZERO, remaining: shares, remainingCost: cost });
  });
  return { sales, lots };
}

/** The `i`th of `lotAmounts(lots)`, which has one per lot. */
function amountsAt(amounts: readonly LotAmounts[], i: number): LotAmounts {
  const found = amounts[i];
  if (found === undefined) throw new RangeError(`No amounts for lot ${i}`);
  return found;
}

function stateOf(tally: LotTally): LotState {
  const remaining = subtract(tally.shares, tally.sold);
  // A sold-out lot has no cost left, whatever rounding remainder its fee's parts leave.
  const feeLeft = remaining.units === 0n ? ZERO : subtract(tally.fee, tally.feeTaken);
  return {
    lot: tally.lot,
    shares: tally.shares,
    sold: tally.sold,
    remaining,
    remainingCost: add(multiply(remaining, tally.price), feeLeft),
  };
}

/**
 * The sales replayed, and a tally of each lot of a symbol that has sales (only those can be taken,
 * by first in first out or by a pick, which must name a lot of the sale's symbol): a portfolio's
 * other lots cost nothing here.
 */
function replay(
  ledger: Ledger,
  options: MatchOptions,
): { readonly sales: SaleResult[]; readonly tallies: ReadonlyMap<number, LotTally> } {
  const tallies = new Map<number, LotTally>();
  if (ledger.sales.length === 0) return { sales: [], tallies };
  const sold = new Set(ledger.sales.map((sale) => sale.symbol));
  const amounts = lotAmounts(ledger.lots);
  const bySymbol = new Map<string, LotTally[]>();
  ledger.lots.forEach((lot, i) => {
    if (!sold.has(lot.symbol)) return;
    const { shares, price, fee } = amountsAt(amounts, i);
    const tally: LotTally = { lot, shares, price, fee, sold: ZERO, feeTaken: ZERO };
    tallies.set(lot.id, tally);
    const list = bySymbol.get(lot.symbol);
    if (list === undefined) bySymbol.set(lot.symbol, [tally]);
    else list.push(tally);
  });
  for (const list of bySymbol.values()) list.sort((a, b) => fifoOrder(a.lot, b.lot));
  // Per symbol, the lots before this index are sold out: the FIFO scan starts past them.
  const firstOpen = new Map<string, number>();

  // Stored in recording order already; sorting a copy keeps a hand-built ledger right too.
  const inOrder = ledger.sales.every((sale, i) => i === 0 || (ledger.sales[i - 1]?.id ?? 0) < sale.id);
  const results = (inOrder ? ledger.sales : [...ledger.sales].sort((a, b) => a.id - b.id)).map(
    (sale): SaleResult => {
      const terms = { shares: amountOf(sale.shares), price: amountOf(sale.price), fee: feeOf(sale) };
      const taken: TakenPart[] = [];
      let wanted = terms.shares;
      const take = (tally: LotTally, most: Decimal) => {
        const open = subtract(tally.shares, tally.sold);
        const part = compare(open, most) < 0 ? open : most;
        if (part.units <= 0n) return;
        const buyFee = feeShare(tally.fee, part, tally.shares);
        taken.push({ from: tally, shares: part, buyFee });
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
          part.from.sold = subtract(part.from.sold, part.shares);
          part.from.feeTaken = subtract(part.from.feeTaken, part.buyFee);
        }
        return settleSale(sale, terms, [], wanted);
      }
      return settleSale(sale, terms, taken, wanted);
    },
  );
  return { sales: results, tallies };
}

/** The sales of `ledger` replayed, without the state of every lot: for checks that look at sales only. */
export function matchedSales(ledger: Ledger, options: MatchOptions = {}): readonly SaleResult[] {
  return replay(ledger, options).sales;
}

/** A sale's match as picks: what pinning it stores. */
export function picksOf(result: SaleResult): Pick[] {
  const merged = new Map<number, Decimal>();
  for (const a of result.allocations) merged.set(a.lotId, add(merged.get(a.lotId) ?? ZERO, a.shares));
  return [...merged].map(([lotId, shares]) => ({ lotId, shares: toCanonicalString(shares) }));
}
