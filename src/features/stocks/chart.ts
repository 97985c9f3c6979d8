/**
 * The allocation chart: each position's share of the portfolio as a labelled horizontal bar, its
 * colour fixed per symbol ({@link colourOf}) and none of them the gain or loss colours. Rendered on
 * the server as HTML text around small SVG bars (the CSP forbids script and inline styles: colours
 * are classes in `public/style.css`, each a CSS variable of the theme).
 * @module
 */
import {
  compare,
  decimal,
  divide,
  formatMoney,
  formatPercent,
  multiply,
  subtract,
  sum,
  toCanonicalString,
  ZERO,
  type Decimal,
} from '../../domain/decimal.js';
import type { Positions } from '../../domain/positions.js';
import { html, type Html } from '../../web/html.js';

/** Distinct colours before they repeat; `.chart-colour-0` … `.chart-colour-7` in the stylesheet. */
export const CHART_COLOURS = 8;

/**
 * A symbol's colour, the same wherever it sorts (a bar's colour never follows the table's order):
 * the 32-bit FNV-1a hash of its characters, mod {@link CHART_COLOURS}. The Flask reference and the
 * limit compute it the same way.
 */
export function colourOf(symbol: string): number {
  let h = 2166136261;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619) >>> 0;
  return h % CHART_COLOURS;
}

/**
 * Bars before the rest are taken together as "Others": the chart of a portfolio with thousands of
 * positions stays readable and small. Not below the list's page size, so a one-page portfolio's
 * chart shows every position.
 */
export const CHART_MAX_BARS = 100;

/** One bar: a position's amount and its share of the whole. */
export interface Slice {
  readonly symbol: string;
  readonly amount: Decimal;
  /** Share of the total, in percent, exact to 2 places (half-up). */
  readonly percent: Decimal;
  /** Bar length, in percent of the largest slice's (which fills the bar's width), to 2 places. */
  readonly length: Decimal;
  /** The "Others" bar only: how many positions it takes together. */
  readonly others?: number;
}

const HUNDRED = decimal(100n, 0);

/** What the shares are shares of. */
export type ChartBasis = 'market value' | 'cost basis';

type ChartPosition = Positions['positions'][number];

/**
 * The chart's slices: by market value when every position has a current price (a mix of values
 * and costs would add unlike things), otherwise by cost basis. In the table's order; past
 * {@link CHART_MAX_BARS} positions, the largest first and the rest as one "Others" slice.
 */
export function allocation({ positions, totals }: Positions): { basis: ChartBasis; slices: Slice[] } {
  const priced = totals.pricedCount === positions.length ? totals.priced : undefined;
  const byValue = priced !== undefined;
  const total = priced?.value ?? totals.cost;
  const amountOf = (p: ChartPosition) => (byValue ? (p.valuation?.value ?? p.cost) : p.cost);
  const basis = byValue ? 'market value' : 'cost basis';
  let parts: { symbol: string; amount: Decimal; others?: number }[];
  if (positions.length <= CHART_MAX_BARS) {
    parts = positions.map((p) => ({ symbol: p.symbol, amount: amountOf(p) }));
  } else {
    const largest = largestOf(positions, amountOf, CHART_MAX_BARS - 1);
    const rest = subtract(total, sum(largest.map((s) => s.amount)));
    parts = [...largest, { symbol: 'Others', amount: rest, others: positions.length - largest.length }];
  }
  // Bars are drawn against the largest, so a portfolio of many small positions still shows them.
  const most = parts.reduce((m, p) => (compare(p.amount, m) > 0 ? p.amount : m), ZERO);
  const slices = parts.map(({ symbol, amount, others }): Slice => ({
    symbol,
    amount,
    percent: divide(multiply(amount, HUNDRED), total, 2),
    length: most.units === 0n ? ZERO : divide(multiply(amount, HUNDRED), most, 2),
    ...(others === undefined ? {} : { others }),
  }));
  return { basis, slices };
}

/** Larger first, then by symbol (each position's is its own). */
function byAmount(a: { symbol: string; amount: Decimal }, b: { symbol: string; amount: Decimal }): number {
  return compare(b.amount, a.amount) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
}

/**
 * The first `count` positions in {@link byAmount} order, without sorting them all: a portfolio of
 * tens of thousands of positions keeps the largest in a short sorted list and passes over the rest.
 */
function largestOf(
  positions: readonly ChartPosition[],
  amountOf: (p: ChartPosition) => Decimal,
  count: number,
): { symbol: string; amount: Decimal }[] {
  const top: { symbol: string; amount: Decimal }[] = [];
  for (const position of positions) {
    const amount = amountOf(position);
    const last = top[top.length - 1];
    if (top.length === count && last !== undefined) {
      // Not before the smallest kept: passed over without building anything.
      const order = compare(last.amount, amount);
      if (order > 0 || (order === 0 && position.symbol >= last.symbol)) continue;
    }
    const part = { symbol: position.symbol, amount };
    let low = 0;
    let high = top.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (byAmount(top[middle] as (typeof top)[number], part) <= 0) low = middle + 1;
      else high = middle;
    }
    top.splice(low, 0, part);
    if (top.length > count) top.pop();
  }
  return top;
}

/** A share without the sign `formatPercent` gives gains: shares are never negative. */
function percentText(percent: Decimal): string {
  const text = formatPercent(percent);
  return text.startsWith('+') ? text.slice(1) : text;
}

const COUNT = new Intl.NumberFormat('en-US');

/** A slice's name in words: its symbol, or how many positions "Others" takes together. */
function nameOf(slice: Slice): string {
  return slice.others === undefined ? slice.symbol : `Others (${COUNT.format(slice.others)} positions)`;
}

/**
 * The chart section; nothing for an empty portfolio. A list, one item per position: its symbol and
 * its share and amount as text (so it reads, wraps and zooms like the rest of the page, on a phone
 * too), and between them the bar, a small SVG (the CSP allows no inline style, so a width can only
 * be an SVG attribute) hidden from screen readers, which have the text.
 */
export function allocationChart(view: Positions): Html | undefined {
  if (view.positions.length === 0) return undefined;
  const { basis, slices } = allocation(view);
  const items = slices.map(
    (slice) => html`<li>
      <span class="chart-label">${nameOf(slice)}</span>
      <svg class="chart-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="${toCanonicalString(slice.length)}" height="10" class="${slice.others === undefined ? `chart-colour-${colourOf(slice.symbol)}` : 'chart-colour-others'}" /></svg>
      <span class="chart-value">${percentText(slice.percent)} &middot; ${formatMoney(slice.amount)}</span>
    </li>`,
  );
  return html`<section class="chart" aria-labelledby="chart-heading">
  <h2 id="chart-heading">Allocation by ${basis}</h2>
  <p class="note">Each position's share of the portfolio's ${basis}${basis === 'cost basis' ? ' (market value once every position has a current price)' : ''}; the longest bar is the largest position.</p>
  <ol class="chart-bars">
    ${items}
  </ol>
</section>`;
}
