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
  decimal,
  divide,
  formatMoney,
  formatPercent,
  multiply,
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

/** One bar: a position's amount and its share of the whole. */
export interface Slice {
  readonly symbol: string;
  readonly amount: Decimal;
  /** Share of the total, in percent, exact to 2 places (half-up). */
  readonly percent: Decimal;
  /** Bar length in viewBox units. */
  readonly length: Decimal;
}

const HUNDRED = decimal(100n, 0);
const BAR_UNITS = decimal(BigInt(BAR_WIDTH), 0);

/** What the shares are shares of. */
export type ChartBasis = 'market value' | 'cost basis';

/**
 * The chart's slices: by market value when every position has a current price (a mix of values
 * and costs would add unlike things), otherwise by cost basis.
 */
export function allocation({ positions, totals }: Positions): { basis: ChartBasis; slices: Slice[] } {
  const priced = totals.pricedCount === positions.length ? totals.priced : undefined;
  const byValue = priced !== undefined;
  const total = priced?.value ?? totals.cost;
  const amountOf = (p: Positions['positions'][number]) => (byValue ? (p.valuation?.value ?? p.cost) : p.cost);
  const slices = positions.map((p) => {
    const amount = amountOf(p);
    return {
      symbol: p.symbol,
      amount,
      percent: divide(multiply(amount, HUNDRED), total, 2),
      length: divide(multiply(amount, BAR_UNITS), total, 2),
    };
  });
  return { basis: byValue ? 'market value' : 'cost basis', slices };
}

/** A share without the sign `formatPercent` gives gains: shares are never negative. */
function percentText(percent: Decimal): string {
  const text = formatPercent(percent);
  return text.startsWith('+') ? text.slice(1) : text;
}

/** The chart section; nothing for an empty portfolio. */
export function allocationChart(view: Positions): Html | undefined {
  if (view.positions.length === 0) return undefined;
  const { basis, slices } = allocation(view);
  const height = slices.length * ROW + 8;
  // Each share's text once: the description, its bar and the table all show it.
  const shares = slices.map((s) => percentText(s.percent));
  const description = slices.map((s, i) => `${s.symbol} ${shares[i]}`).join(', ');
  const bars = slices.map((slice, i) => {
    const y = 4 + i * ROW;
    const mid = y + ROW / 2;
    return html`<g>
        <text x="${LABEL_WIDTH - 6}" y="${mid}" class="chart-label" text-anchor="end" dominant-baseline="middle">${slice.symbol}</text>
        <rect x="${LABEL_WIDTH}" y="${y + (ROW - BAR_HEIGHT) / 2}" width="${toCanonicalString(slice.length)}" height="${BAR_HEIGHT}" rx="2" class="chart-bar-${i % CHART_COLOURS}" />
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
      ${slices.map((s, i) => html`<tr><th scope="row">${s.symbol}</th><td>${shares[i]}</td><td>${formatMoney(s.amount)}</td></tr>`)}
    </tbody>
  </table>
  </div>
</section>`;
}
