/**
 * The ledger replay, the page's figures and the positions table as they were computed before the
 * big-portfolio work (issue 18, "any portfolio size"): straightforward, every amount parsed where it
 * is used. Kept as the oracle the faster code in `sales-match.ts`, `gains.ts` and `positions.ts` is
 * compared with, structurally, on generated ledgers (`src/domain/ledger-view-equivalence.test.ts`).
 * @module
 */
import {
  add,
  compare,
  decimal,
  divide,
  multiply,
  parseDecimal,
  subtract,
  sum,
  ZERO,
  type Decimal,
} from '../../src/domain/decimal.js';
import { amountOf, type Ledger, type Lot as LedgerLot, type Sale } from '../../src/domain/ledger.js';
import type { PriceBook } from '../../src/domain/price-book.js';
import {
  daysBetween,
  termOf,
  type LotState,
  type Matching,
  type SaleResult,
  type Term,
} from '../../src/domain/sales.js';
import { feeOf, feeShare, settleSale, type Part } from '../../src/domain/sales-gain.js';
import type { LedgerTotals, LedgerView, LotView, PositionView, Unrealized } from '../../src/domain/gains.js';
import {
  AVERAGE_COST_SCALE,
  PERCENT_SCALE,
  type Lot,
  type PortfolioTotals,
  type Position,
  type Positions,
  type PositionSort,
  type Return,
} from '../../src/domain/positions.js';
import type { Prices } from '../../src/domain/prices.js';

// ---- sales-match.ts
interface LotTally {
  readonly lot: LedgerLot;
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
function fifoOrder(a: LedgerLot, b: LedgerLot): number {
  if (a.date !== b.date) {
    if (a.date === undefined) return -1;
    if (b.date === undefined) return 1;
    return a.date < b.date ? -1 : 1;
  }
  return a.id - b.id;
}

/** Whether `sale` may take shares of `lot` at all (same symbol, recorded before, bought by then). */
function eligible(lot: LedgerLot, sale: Sale): boolean {
  return lot.symbol === sale.symbol && lot.id < sale.id && (lot.date === undefined || lot.date <= sale.date);
}

/** Options of {@link matchSales}. */
interface MatchOptions {
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
export function referenceMatchSales(ledger: Ledger, options: MatchOptions = {}): Matching {
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

// ---- gains.ts
function unrealized(value: Decimal, cost: Decimal): Unrealized {
  const gain = subtract(value, cost);
  return {
    value,
    gain,
    gainPercent: cost.units === 0n ? undefined : divide(multiply(gain, HUNDRED), cost, PERCENT_SCALE),
  };
}

export function referenceViewLedger(ledger: Ledger, book: PriceBook, today: string): LedgerView {
  const matching = referenceMatchSales(ledger);
  const lotsBySymbol = new Map<string, LotView[]>();
  for (const lot of ledger.lots) {
    const state = matching.lots.get(lot.id);
    if (state === undefined) continue;
    const price = book.get(lot.symbol);
    const days = lot.date === undefined ? undefined : daysBetween(lot.date, today);
    const view: LotView = {
      lot,
      price: amountOf(lot.price),
      shares: state.shares,
      sold: state.sold,
      remaining: state.remaining,
      remainingCost: state.remainingCost,
      unrealized:
        price === undefined || state.remaining.units === 0n
          ? undefined
          : unrealized(multiply(state.remaining, amountOf(price.price)), state.remainingCost),
      days,
      term: termOf(days),
    };
    const list = lotsBySymbol.get(lot.symbol);
    if (list === undefined) lotsBySymbol.set(lot.symbol, [view]);
    else list.push(view);
  }
  const salesBySymbol = new Map<string, SaleResult[]>();
  for (const result of matching.sales) {
    const list = salesBySymbol.get(result.sale.symbol);
    if (list === undefined) salesBySymbol.set(result.sale.symbol, [result]);
    else list.push(result);
  }

  const symbols = [...new Set([...lotsBySymbol.keys(), ...salesBySymbol.keys()])].sort();
  const positions = symbols.map((symbol): PositionView => {
    const lots = lotsBySymbol.get(symbol) ?? [];
    const sales = salesBySymbol.get(symbol) ?? [];
    const openShares = sum(lots.map((l) => l.remaining));
    const openCost = sum(lots.map((l) => l.remainingCost));
    const price = book.get(symbol);
    const open = openShares.units > 0n;
    return {
      symbol,
      lots,
      sales,
      openShares,
      openCost,
      averageCost: open ? divide(openCost, openShares, AVERAGE_COST_SCALE) : undefined,
      price,
      unrealized:
        open && price !== undefined
          ? unrealized(multiply(openShares, amountOf(price.price)), openCost)
          : undefined,
      realized: sum(sales.map((s) => s.gain)),
    };
  });
  return { positions, totals: gainsTotalsOf(positions, matching), matching };
}

function gainsTotalsOf(positions: readonly PositionView[], matching: Matching): LedgerTotals {
  const open = positions.filter((p) => p.openShares.units > 0n);
  const priced = open.filter((p) => p.unrealized !== undefined);
  const unpriced = open.filter((p) => p.unrealized === undefined);
  const pricedCost = sum(priced.map((p) => p.openCost));
  const byTerm = (term: Term) =>
    sum(matching.sales.flatMap((s) => s.allocations.filter((a) => a.term === term).map((a) => a.gain)));
  return {
    priced: {
      count: priced.length,
      cost: pricedCost,
      ...unrealized(sum(priced.map((p) => p.unrealized?.value ?? ZERO)), pricedCost),
    },
    unpriced: {
      count: unpriced.length,
      cost: sum(unpriced.map((p) => p.openCost)),
      symbols: unpriced.map((p) => p.symbol),
    },
    closedCount: positions.length - open.length,
    realized: {
      gain: sum(matching.sales.map((s) => s.gain)),
      shortTerm: byTerm('short'),
      longTerm: byTerm('long'),
      unknownTerm: byTerm('unknown'),
    },
  };
}

// ---- positions.ts
function amount(text: string): Decimal {
  const value = parseDecimal(text);
  // Holdings and prices come from decodePortfolio / decodePrices or the forms: canonical by construction.
  if (value === undefined) throw new TypeError(`Not a decimal: ${JSON.stringify(text)}`);
  return value;
}

const HUNDRED = decimal(100n, 0);

function returnOf(value: Decimal, cost: Decimal): Return {
  const gain = subtract(value, cost);
  return { value, gain, gainPercent: divide(multiply(gain, HUNDRED), cost, PERCENT_SCALE) };
}

/** Larger first, positions without a price last, then by symbol: what "sort by value" means to a reader. */
function byDescending(key: (p: Position) => Decimal | undefined) {
  return (a: Position, b: Position): number => {
    const x = key(a);
    const y = key(b);
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return compare(y, x);
  };
}

const ORDERS: Readonly<Record<PositionSort, (a: Position, b: Position) => number>> = {
  symbol: () => 0,
  value: byDescending((p) => p.valuation?.value),
  gain: byDescending((p) => p.valuation?.gain),
};

export function referencePositionsOfLedger(
  view: LedgerView,
  prices: PriceBook,
  sort: PositionSort,
): Positions {
  const lots: Lot[] = [];
  const realized = new Map<string, Decimal>();
  for (const position of view.positions) {
    if (position.sales.length > 0) realized.set(position.symbol, position.realized);
    for (const lot of position.lots) {
      if (lot.remaining.units === 0n) continue;
      const sold = lot.sold.units !== 0n;
      lots.push({
        holding: lot.lot,
        id: lot.lot.id,
        shares: lot.remaining,
        price: amount(lot.lot.price),
        cost: lot.remainingCost,
        ...(sold ? { bought: lot.shares } : {}),
      });
    }
  }
  // view.positions is in symbol order; the portfolio order of lots within a symbol is kept.
  const order = new Map([...view.matching.lots.keys()].map((id, i) => [id, i]));
  lots.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  return positionsOf(lots, new Map([...prices].map(([symbol, p]) => [symbol, p.price])), sort, realized);
}

function positionsOf(
  allLots: readonly Lot[],
  prices: Prices,
  sort: PositionSort,
  realized: ReadonlyMap<string, Decimal>,
): Positions {
  const lotsBySymbol = new Map<string, Lot[]>();
  for (const lot of allLots) {
    const lots = lotsBySymbol.get(lot.holding.symbol);
    if (lots === undefined) lotsBySymbol.set(lot.holding.symbol, [lot]);
    else lots.push(lot);
  }
  const positions = [...lotsBySymbol].map(([symbol, lots]): Position => {
    const shares = sum(lots.map((lot) => lot.shares));
    const cost = sum(lots.map((lot) => lot.cost));
    const price = prices.get(symbol);
    return {
      symbol,
      lots,
      shares,
      cost,
      averageCost: divide(cost, shares, AVERAGE_COST_SCALE),
      valuation:
        price === undefined
          ? undefined
          : { price: amount(price), ...returnOf(multiply(shares, amount(price)), cost) },
      ...(realized.has(symbol) ? { realized: realized.get(symbol) ?? ZERO } : {}),
    };
  });
  positions.sort((a, b) => ORDERS[sort](a, b) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  return { positions, totals: totalsOf(positions) };
}

function totalsOf(positions: readonly Position[]): PortfolioTotals {
  const cost = sum(positions.map((p) => p.cost));
  const priced = positions.filter((p) => p.valuation !== undefined);
  if (priced.length === 0) return { cost, pricedCount: 0, priced: undefined };
  const pricedCost = sum(priced.map((p) => p.cost));
  const value = sum(priced.map((p) => p.valuation?.value ?? ZERO));
  return { cost, pricedCount: priced.length, priced: { cost: pricedCost, ...returnOf(value, pricedCost) } };
}
