/**
 * Positions: the holdings of one symbol taken together (total shares, cost basis, average cost),
 * valued at the visitor's current price when there is one. Framework-free and exact: every figure
 * is a {@link Decimal}; the view rounds for display.
 * @module
 */
import { add, decimal, divide, multiply, parseDecimal, subtract, ZERO, type Decimal } from './decimal.js';
import type { Holding } from './portfolio.js';
import type { Prices } from './prices.js';
import type { CurrentPrice, PriceBook } from './price-book.js';
import type { LedgerView } from './gains.js';

/** Decimal places of an average cost and of a percentage: those are the only divisions here. */
export const AVERAGE_COST_SCALE = 4;
export const PERCENT_SCALE = 2;

/** One purchase within a position, with its id (for edit and remove URLs). */
export interface Lot {
  readonly holding: Holding;
  /** The lot's id in the ledger (`ledger.ts`): its URLs name it by this. */
  readonly id: number;
  /** Shares still held (all of them, unless some were sold). */
  readonly shares: Decimal;
  readonly price: Decimal;
  /** Exact cost basis of the shares held: shares × price, plus their part of the buy fee. */
  readonly cost: Decimal;
  /** Shares bought, when some were sold (absent otherwise). */
  readonly bought?: Decimal;
}

/** What some shares are worth against what they cost. */
export interface Return {
  /** Exact market value. */
  readonly value: Decimal;
  /** Exact gain (negative for a loss), value − cost. */
  readonly gain: Decimal;
  /** Gain as a percentage of cost, rounded half away from zero to {@link PERCENT_SCALE} places. */
  readonly gainPercent: Decimal;
}

/** What a position is worth at the current price; absent when the visitor set no price. */
export interface Valuation extends Return {
  readonly price: Decimal;
}

/** All lots of one symbol. */
export interface Position {
  readonly symbol: string;
  /** In portfolio order. */
  readonly lots: readonly Lot[];
  readonly shares: Decimal;
  readonly cost: Decimal;
  /** cost ÷ shares, rounded half away from zero to {@link AVERAGE_COST_SCALE} places. */
  readonly averageCost: Decimal;
  readonly valuation: Valuation | undefined;
  /** Realized gain of the symbol's sales; absent when it has none. */
  readonly realized?: Decimal;
}

/** Totals over the priced positions: value and return need a price for every position they count. */
export interface PortfolioTotals {
  /** Exact cost basis of every position. */
  readonly cost: Decimal;
  /** How many positions have a current price. */
  readonly pricedCount: number;
  /** Value, gain and return of the priced positions; absent when none is priced. */
  readonly priced: (Return & { readonly cost: Decimal }) | undefined;
}

/** The positions table and its totals. */
export interface Positions {
  readonly positions: readonly Position[];
  readonly totals: PortfolioTotals;
}

/** The orders the positions table offers, each a value of the `sort` query parameter. */
export const POSITION_SORTS = ['symbol', 'value', 'gain'] as const;
export type PositionSort = (typeof POSITION_SORTS)[number];

/** `text` as a sort order; anything unknown sorts by symbol. */
export function positionSort(text: string | undefined): PositionSort {
  return (POSITION_SORTS as readonly (string | undefined)[]).includes(text)
    ? (text as PositionSort)
    : 'symbol';
}

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

/**
 * Groups `holdings` by symbol and values each position at its price in `prices`.
 * Sorted by `sort`; ties (and `symbol`) in symbol order.
 * @example
 * ```ts
 * buildPositions([{ symbol: 'AAPL', shares: '10', price: '100' }], new Map([['AAPL', '110']]), 'symbol')
 * // positions[0]: shares 10, cost 1000, valuation.gain 100, valuation.gainPercent 10.00
 * ```
 */
export function buildPositions(
  holdings: readonly (Holding & { readonly id?: number })[],
  prices: Prices,
  sort: PositionSort,
): Positions {
  return positionsOf(
    holdings.map((holding, index): Lot => {
      const shares = amount(holding.shares);
      const price = amount(holding.price);
      // Holdings without ids are numbered as decodeLedger numbers an old cookie's lots.
      return { holding, id: holding.id ?? index + 1, shares, price, cost: multiply(shares, price) };
    }),
    prices,
    sort,
    new Map(),
  );
}

/**
 * The positions of a ledger replayed by `viewLedger` (`gains.ts`): each lot with the shares it
 * still holds and their cost (buy fee included); lots sold out and symbols with nothing left are
 * not shown here (the sales list shows them); each position with its realized gain when it has sales.
 */
export function positionsOfLedger(view: LedgerView, prices: PriceBook, sort: PositionSort): Positions {
  const positions: Position[] = [];
  // view.positions is in symbol order, the lots of each in portfolio order, as positions want them.
  for (const position of view.positions) {
    const lots: Lot[] = [];
    for (const lot of position.lots) {
      if (lot.remaining.units === 0n) continue;
      const { lot: holding, remaining: shares, price, remainingCost: cost } = lot;
      // Two literals, not a spread: this runs for every lot of the largest portfolio.
      lots.push(
        lot.sold.units === 0n
          ? { holding, id: holding.id, shares, price, cost }
          : { holding, id: holding.id, shares, price, cost, bought: lot.shares },
      );
    }
    if (lots.length === 0) continue;
    const current = prices.get(position.symbol);
    const price = current === undefined ? undefined : amount(current.price);
    const realized = position.sales.length > 0 ? position.realized : undefined;
    positions.push(
      lots.length === position.lots.length
        ? reusedPosition(position, lots, current, price, realized)
        : positionOf(position.symbol, lots, price, realized),
    );
  }
  return sorted(positions, sort);
}

/**
 * {@link positionOf} for a position none of whose lots is sold out, from the figures `viewLedger`
 * already has: its open shares and cost are the same sums of the same lots, its average cost the
 * same quotient, and its unrealized gain the same figures when it was valued at the same price
 * (the same entry of the book). Anything else is computed as {@link positionOf} does.
 */
function reusedPosition(
  position: LedgerView['positions'][number],
  lots: readonly Lot[],
  current: CurrentPrice | undefined,
  price: Decimal | undefined,
  realized: Decimal | undefined,
): Position {
  const { averageCost, unrealized } = position;
  const sameValuation =
    price === undefined ||
    (current === position.price && unrealized !== undefined && unrealized.gainPercent !== undefined);
  if (averageCost === undefined || !sameValuation) return positionOf(position.symbol, lots, price, realized);
  return {
    symbol: position.symbol,
    lots,
    shares: position.openShares,
    cost: position.openCost,
    averageCost,
    valuation:
      price === undefined || unrealized?.gainPercent === undefined
        ? undefined
        : { price, value: unrealized.value, gain: unrealized.gain, gainPercent: unrealized.gainPercent },
    ...(realized === undefined ? {} : { realized }),
  };
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
    const price = prices.get(symbol);
    return positionOf(symbol, lots, price === undefined ? undefined : amount(price), realized.get(symbol));
  });
  return sorted(positions, sort);
}

/** One position from its lots (in portfolio order), valued at `price` when there is one. */
function positionOf(
  symbol: string,
  lots: readonly Lot[],
  price: Decimal | undefined,
  realized: Decimal | undefined,
): Position {
  let shares = ZERO;
  let cost = ZERO;
  for (const lot of lots) {
    shares = add(shares, lot.shares);
    cost = add(cost, lot.cost);
  }
  return {
    symbol,
    lots,
    shares,
    cost,
    averageCost: divide(cost, shares, AVERAGE_COST_SCALE),
    valuation: price === undefined ? undefined : { price, ...returnOf(multiply(shares, price), cost) },
    ...(realized === undefined ? {} : { realized }),
  };
}

function bySymbol(a: Position, b: Position): number {
  return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

function sorted(positions: Position[], sort: PositionSort): Positions {
  const key = SORT_KEYS[sort];
  const ordered = key === undefined ? positions.sort(bySymbol) : sortedByKey(positions, key);
  return { positions: ordered, totals: totalsOf(positions) };
}

/**
 * The figure each order but `symbol` sorts by: larger first, positions without a price last, then
 * by symbol: what "sort by value" means to a reader.
 */
const SORT_KEYS: Readonly<Record<PositionSort, ((p: Position) => Decimal | undefined) | undefined>> = {
  symbol: undefined,
  value: (p) => p.valuation?.value,
  gain: (p) => p.valuation?.gain,
};

/**
 * `positions` in the order of {@link SORT_KEYS} for `key` (larger first, those without a figure
 * last, ties by symbol), with each figure brought to one scale once, so that the comparisons of
 * tens of thousands of positions compare integers instead of rescaling two decimals each time.
 */
function sortedByKey(positions: readonly Position[], key: (p: Position) => Decimal | undefined): Position[] {
  const figures = positions.map(key);
  let scale = 0;
  for (const figure of figures) if (figure !== undefined && figure.scale > scale) scale = figure.scale;
  const units = figures.map((figure) =>
    figure === undefined ? undefined : figure.units * 10n ** BigInt(scale - figure.scale),
  );
  const order = positions.map((_, i) => i);
  order.sort((i, j) => {
    const x = units[i];
    const y = units[j];
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else if (x !== y) {
      return x < y ? 1 : -1;
    }
    return bySymbol(positions[i] as Position, positions[j] as Position);
  });
  return order.map((i) => positions[i] as Position);
}

function totalsOf(positions: readonly Position[]): PortfolioTotals {
  // One pass, no intermediate lists: a sum's value and scale do not depend on how it is grouped.
  let cost = ZERO;
  let pricedCount = 0;
  let pricedCost = ZERO;
  let value = ZERO;
  for (const p of positions) {
    cost = add(cost, p.cost);
    if (p.valuation === undefined) continue;
    pricedCount++;
    pricedCost = add(pricedCost, p.cost);
    value = add(value, p.valuation.value);
  }
  if (pricedCount === 0) return { cost, pricedCount: 0, priced: undefined };
  return { cost, pricedCount, priced: { cost: pricedCost, ...returnOf(value, pricedCost) } };
}
