/**
 * What the page shows from a ledger and its prices: per lot what is left and what it would gain at
 * the current price, per position the same in total plus its realized gain, and totals that never
 * mix priced and unpriced positions: value and unrealized gain are summed over the priced ones
 * only, next to their own cost, and the unpriced ones are counted and costed apart.
 *
 * Exact throughout; the view rounds. Percentages and average costs are the only divisions.
 * @module
 */
import { add, decimal, divide, multiply, subtract, sum, ZERO, type Decimal } from './decimal.js';
import { amountOf, lotAmounts, type Ledger, type Lot } from './ledger.js';
import type { CurrentPrice, PriceBook } from './price-book.js';
import { daysBetween, matchSales, termOf, type Matching, type SaleResult, type Term } from './sales.js';

/** Decimal places of a percentage and of an average cost (as in `positions.ts`). */
export const PERCENT_SCALE = 2;
export const AVERAGE_COST_SCALE = 4;

const HUNDRED = decimal(100n, 0);

/** Value against cost. */
export interface Unrealized {
  readonly value: Decimal;
  /** value − cost (negative for a loss). */
  readonly gain: Decimal;
  /** gain ÷ cost × 100, rounded to {@link PERCENT_SCALE}; absent when the cost is zero. */
  readonly gainPercent: Decimal | undefined;
}

function unrealized(value: Decimal, cost: Decimal): Unrealized {
  const gain = subtract(value, cost);
  return {
    value,
    gain,
    gainPercent: cost.units === 0n ? undefined : divide(multiply(gain, HUNDRED), cost, PERCENT_SCALE),
  };
}

/** One lot as the page shows it. */
export interface LotView {
  readonly lot: Lot;
  /** The lot's price per share, parsed. */
  readonly price: Decimal;
  /** Shares bought, sold from it, and still held. */
  readonly shares: Decimal;
  readonly sold: Decimal;
  readonly remaining: Decimal;
  /** Cost basis of the remaining shares, buy fee share included. */
  readonly remainingCost: Decimal;
  /** At the current price; absent without one or when nothing remains. */
  readonly unrealized: Unrealized | undefined;
  /** Days held as of `today` (absent for an undated lot) and the term that gives. */
  readonly days: number | undefined;
  readonly term: Term;
}

/** All lots and sales of one symbol. */
export interface PositionView {
  readonly symbol: string;
  /** In portfolio order, sold-out lots included (their history stays visible). */
  readonly lots: readonly LotView[];
  /** This symbol's sales, in recording order. */
  readonly sales: readonly SaleResult[];
  readonly openShares: Decimal;
  readonly openCost: Decimal;
  /** openCost ÷ openShares to {@link AVERAGE_COST_SCALE}; absent when nothing is held. */
  readonly averageCost: Decimal | undefined;
  readonly price: CurrentPrice | undefined;
  /** Of the open shares at `price`; absent without a price or when nothing is held. */
  readonly unrealized: Unrealized | undefined;
  /** Sum of this symbol's sales' realized gains. */
  readonly realized: Decimal;
}

/** Realized gain in total and by term. */
export interface RealizedTotals {
  readonly gain: Decimal;
  readonly shortTerm: Decimal;
  readonly longTerm: Decimal;
  /** From lots without a purchase date. */
  readonly unknownTerm: Decimal;
}

/** Totals, each over the positions it names. */
export interface LedgerTotals {
  /** Positions with open shares and a price: their cost, value and unrealized gain. */
  readonly priced: { readonly count: number; readonly cost: Decimal } & Unrealized;
  /** Positions with open shares and no price: counted and costed, never valued. */
  readonly unpriced: { readonly count: number; readonly cost: Decimal; readonly symbols: readonly string[] };
  /** Positions whose every share was sold. */
  readonly closedCount: number;
  readonly realized: RealizedTotals;
}

/** The whole page's figures. */
export interface LedgerView {
  /** In symbol order; the view may sort. */
  readonly positions: readonly PositionView[];
  readonly totals: LedgerTotals;
  readonly matching: Matching;
}

/**
 * The page's figures for `ledger` at the prices in `book`, holding periods counted to `today`.
 * @param today `YYYY-MM-DD` (the app's clock, UTC).
 */
export function viewLedger(ledger: Ledger, book: PriceBook, today: string): LedgerView {
  const matching = matchSales(ledger);
  const amounts = lotAmounts(ledger.lots);
  // Each current price parsed once, not once per lot.
  const prices = new Map<string, Decimal>();
  for (const [symbol, price] of book) prices.set(symbol, amountOf(price.price));
  const lotsBySymbol = new Map<string, LotView[]>();
  ledger.lots.forEach((lot, i) => {
    const state = matching.lots.get(lot.id);
    const parsed = amounts[i];
    if (state === undefined || parsed === undefined) return;
    const price = prices.get(lot.symbol);
    const days = lot.date === undefined ? undefined : daysBetween(lot.date, today);
    const view: LotView = {
      lot,
      price: parsed.price,
      shares: state.shares,
      sold: state.sold,
      remaining: state.remaining,
      remainingCost: state.remainingCost,
      unrealized:
        price === undefined || state.remaining.units === 0n
          ? undefined
          : unrealized(multiply(state.remaining, price), state.remainingCost),
      days,
      term: termOf(days),
    };
    const list = lotsBySymbol.get(lot.symbol);
    if (list === undefined) lotsBySymbol.set(lot.symbol, [view]);
    else list.push(view);
  });
  const salesBySymbol = new Map<string, SaleResult[]>();
  for (const result of matching.sales) {
    const list = salesBySymbol.get(result.sale.symbol);
    if (list === undefined) salesBySymbol.set(result.sale.symbol, [result]);
    else list.push(result);
  }

  const symbols = [...lotsBySymbol.keys()];
  for (const symbol of salesBySymbol.keys()) if (!lotsBySymbol.has(symbol)) symbols.push(symbol);
  symbols.sort();
  const positions = symbols.map((symbol): PositionView => {
    const lots = lotsBySymbol.get(symbol) ?? [];
    const sales = salesBySymbol.get(symbol) ?? [];
    // Summed from the first lot's figures: adding them to zero would give the same value and
    // scale (most positions of a large portfolio have one lot, and then nothing is added).
    const first = lots[0];
    let openShares = first === undefined ? ZERO : first.remaining;
    let openCost = first === undefined ? ZERO : first.remainingCost;
    for (let i = 1; i < lots.length; i++) {
      const lot = lots[i] as LotView;
      openShares = add(openShares, lot.remaining);
      openCost = add(openCost, lot.remainingCost);
    }
    const current = book.get(symbol);
    const price = prices.get(symbol);
    const open = openShares.units > 0n;
    return {
      symbol,
      lots,
      sales,
      openShares,
      openCost,
      averageCost: open ? divide(openCost, openShares, AVERAGE_COST_SCALE) : undefined,
      price: current,
      unrealized: open && price !== undefined ? unrealized(multiply(openShares, price), openCost) : undefined,
      realized: sales.length === 0 ? ZERO : sum(sales.map((s) => s.gain)),
    };
  });
  return { positions, totals: totalsOf(positions, matching), matching };
}

function totalsOf(positions: readonly PositionView[], matching: Matching): LedgerTotals {
  // One pass, no intermediate lists: a sum's value and scale do not depend on how it is grouped.
  let pricedCount = 0;
  let pricedCost = ZERO;
  let pricedValue = ZERO;
  let unpricedCost = ZERO;
  let openCount = 0;
  const unpricedSymbols: string[] = [];
  for (const p of positions) {
    if (p.openShares.units <= 0n) continue;
    openCount++;
    if (p.unrealized === undefined) {
      unpricedCost = add(unpricedCost, p.openCost);
      unpricedSymbols.push(p.symbol);
    } else {
      pricedCount++;
      pricedCost = add(pricedCost, p.openCost);
      pricedValue = add(pricedValue, p.unrealized.value);
    }
  }
  return {
    priced: {
      count: pricedCount,
      cost: pricedCost,
      ...unrealized(pricedValue, pricedCost),
    },
    unpriced: {
      count: unpricedSymbols.length,
      cost: unpricedCost,
      symbols: unpricedSymbols,
    },
    closedCount: positions.length - openCount,
    realized: realizedTotals(matching),
  };
}

/**
 * The realized gain of every sale, in total and by holding term: what {@link viewLedger}'s totals
 * say, for a page that shows the sales only (`/sales`) and need not build every position's view.
 */
export function realizedTotals(matching: Matching): RealizedTotals {
  const byTerm = (term: Term) =>
    sum(matching.sales.flatMap((s) => s.allocations.filter((a) => a.term === term).map((a) => a.gain)));
  return {
    gain: sum(matching.sales.map((s) => s.gain)),
    shortTerm: byTerm('short'),
    longTerm: byTerm('long'),
    unknownTerm: byTerm('unknown'),
  };
}
