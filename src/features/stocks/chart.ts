/**
 * The allocation chart: each position's share of the portfolio as a horizontal bar, in inline
 * SVG rendered on the server (the CSP forbids script, and inline styles: colours are classes in
 * `public/style.css`, each a CSS variable of the theme). It scales with its `viewBox`, so a phone
 * gets the same chart, narrower. Screen readers get the SVG's `<title>` and `<desc>`, and a table
 * of the same figures (in a visually hidden
 * box: a table itself cannot be shrunk to 1px, and would widen the page on a phone).
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
  type Decimal,
} from '../../domain/decimal.js';
import type { Positions } from '../../domain/positions.js';
import { html, type Html } from '../../web/html.js';

/** Geometry in viewBox units: a label column, the bar area, a column for the percentage. */
const WIDTH = 320;
const ROW = 28;
const LABEL_WIDTH = 70;
const BAR_WIDTH = 180;
const BAR_HEIGHT = 18;
/** Distinct colours before they repeat; `.chart-bar-0` … `.chart-bar-7` in the stylesheet. */
export const CHART_COLOURS = 8;

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
  /** Bar length in viewBox units. */
  readonly length: Decimal;
  /** The "Others" bar only: how many positions it takes together. */
  readonly others?: number;
}

const HUNDRED = decimal(100n, 0);
const BAR_UNITS = decimal(BigInt(BAR_WIDTH), 0);

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
  const sliceOf = (symbol: string, amount: Decimal, others?: number): Slice => ({
    symbol,
    amount,
    percent: divide(multiply(amount, HUNDRED), total, 2),
    length: divide(multiply(amount, BAR_UNITS), total, 2),
    ...(others === undefined ? {} : { others }),
  });
  const basis = byValue ? 'market value' : 'cost basis';
  if (positions.length <= CHART_MAX_BARS) {
    return { basis, slices: positions.map((p) => sliceOf(p.symbol, amountOf(p))) };
  }
  const largest = positions
    .map((p) => ({ symbol: p.symbol, amount: amountOf(p) }))
    .sort((a, b) => compare(b.amount, a.amount) || (a.symbol < b.symbol ? -1 : 1))
    .slice(0, CHART_MAX_BARS - 1);
  const rest = subtract(total, sum(largest.map((s) => s.amount)));
  const others = positions.length - largest.length;
  return {
    basis,
    slices: [...largest.map((s) => sliceOf(s.symbol, s.amount)), sliceOf('Others', rest, others)],
  };
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

/** The chart section; nothing for an empty portfolio. */
export function allocationChart(view: Positions): Html | undefined {
  if (view.positions.length === 0) return undefined;
  const { basis, slices } = allocation(view);
  const height = slices.length * ROW + 8;
  // Each share's text once: the description, its bar and the table all show it.
  const shares = slices.map((s) => percentText(s.percent));
  const description = slices.map((s, i) => `${nameOf(s)} ${shares[i]}`).join(', ');
  const bars = slices.map((slice, i) => {
    const y = 4 + i * ROW;
    const mid = y + ROW / 2;
    return html`<g>
        <text x="${LABEL_WIDTH - 6}" y="${mid}" class="chart-label" text-anchor="end" dominant-baseline="middle">${slice.symbol}</text>
        <rect x="${LABEL_WIDTH}" y="${y + (ROW - BAR_HEIGHT) / 2}" width="${toCanonicalString(slice.length)}" height="${BAR_HEIGHT}" rx="2" class="${slice.others === undefined ? `chart-bar-${i % CHART_COLOURS}` : 'chart-bar-others'}" />
        <text x="${LABEL_WIDTH + BAR_WIDTH + 6}" y="${mid}" class="chart-value" dominant-baseline="middle">${shares[i]}</text>
      </g>`;
  });
  return html`<section class="chart" aria-labelledby="chart-heading">
  <h2 id="chart-heading">Allocation</h2>
  <svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc" class="chart-svg" preserveAspectRatio="xMinYMin meet">
    <title id="chart-title">Share of the portfolio by ${basis}</title>
    <desc id="chart-desc">${description}.</desc>
    ${bars}
  </svg>
  <p class="note">Each position's share of the portfolio's ${basis}${basis === 'cost basis' ? ' (market value once every position has a current price)' : ''}.</p>
  <div class="visually-hidden">
  <table>
    <caption>Share of the portfolio by ${basis}</caption>
    <thead><tr><th scope="col">Symbol</th><th scope="col">Share</th><th scope="col">${basis === 'market value' ? 'Market Value' : 'Cost Basis'}</th></tr></thead>
    <tbody>
      ${slices.map((s, i) => html`<tr><th scope="row">${nameOf(s)}</th><td>${shares[i]}</td><td>${formatMoney(s.amount)}</td></tr>`)}
    </tbody>
  </table>
  </div>
</section>`;
}
