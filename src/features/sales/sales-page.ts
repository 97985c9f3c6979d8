/**
 * The list of sales: each with its realized gain and the holding periods of the lots it sold.
 * @module
 */
import {
  formatMoney,
  formatPrice,
  formatQuantity,
  formatSignedMoney,
  type Decimal,
} from '../../domain/decimal.js';
import { amountOf } from '../../domain/ledger.js';
import type { Allocation, SaleResult } from '../../domain/sales.js';
import { html, type Html } from '../../web/html.js';
import {
  alignedBlank,
  alignedFigure,
  decimalColumn,
  numClass,
  type DecimalColumn,
} from '../../web/figures.js';
import { csrfField } from '../../web/layout.js';
import { indexedUrl, urlFor } from '../../web/urls.js';

/** The sales page's title and heading. */
export const SALES_TITLE = 'Sales and realized gain';

/**
 * A realized gain's cell, coloured by the sign the figure is written with, as the positions table
 * colours its gains: a loss that rounds to `$0.00` is written without a sign, and is not red.
 */
function gainCell(gain: string, label: string, column: DecimalColumn): Html {
  return html`<td class="${numClass(gain)}" data-label="${label}">${alignedFigure(gain, column)}</td>`;
}

const TERMS = { short: 'short-term', long: 'long-term', unknown: 'no purchase date' } as const;

function holdingPeriod(allocation: Allocation): string {
  const lot = `lot #${allocation.lotId}`;
  if (allocation.days === undefined) return `${lot}: ${TERMS.unknown}`;
  const days = `${allocation.days} ${allocation.days === 1 ? 'day' : 'days'}`;
  return `${lot}: ${formatQuantity(allocation.shares)} shares held ${days} (${TERMS[allocation.term]})`;
}

// Built once: a row's link is the fixed path around its sale id.
const removeSaleUrl = indexedUrl('remove_sale');

/** A sale's figures as its row writes them: formatted once, they also size the columns. */
interface SaleFigures {
  readonly result: SaleResult;
  readonly shares: string;
  readonly price: string;
  readonly fee: string | undefined;
  readonly proceeds: string;
  readonly cost: string;
  readonly gain: string;
}

function saleFigures(result: SaleResult): SaleFigures {
  const { sale } = result;
  return {
    result,
    shares: formatQuantity(amountOf(sale.shares)),
    price: formatPrice(amountOf(sale.price)),
    fee: sale.fee === undefined ? undefined : formatMoney(amountOf(sale.fee)),
    proceeds: formatMoney(result.proceeds),
    cost: formatMoney(result.cost),
    gain: formatSignedMoney(result.gain),
  };
}

/** The sales table's figure columns, each aligned on its decimal point (`web/figures.ts`). */
type SaleColumns = Readonly<Record<Exclude<keyof SaleFigures, 'result'>, DecimalColumn>>;

function saleColumns(rows: readonly SaleFigures[], totalGain: string): SaleColumns {
  const of = (pick: (row: SaleFigures) => string | undefined) =>
    decimalColumn(rows.flatMap((row) => pick(row) ?? []));
  return {
    shares: of((row) => row.shares),
    price: of((row) => row.price),
    fee: of((row) => row.fee),
    proceeds: of((row) => row.proceeds),
    cost: of((row) => row.cost),
    gain: decimalColumn([...rows.map((row) => row.gain), totalGain]),
  };
}

// A sale without a fee: the dash, built once for every row (a reference, as the page stays ASCII).
const NO_FEE = html`&mdash;`;

function saleRow(figures: SaleFigures, columns: SaleColumns, first: boolean, token: Html): Html {
  const { result } = figures;
  const { sale } = result;
  return html`<tr${first && html` id="sales-${sale.symbol}"`}>
        <th scope="row">${sale.symbol}</th>
        <td data-label="Sale Date">${sale.date}</td>
        <td class="num" data-label="Shares">${alignedFigure(figures.shares, columns.shares)}</td>
        <td class="num" data-label="Sale Price">${alignedFigure(figures.price, columns.price)}</td>
        <td class="num" data-label="Fee">${figures.fee === undefined ? alignedBlank(NO_FEE, columns.fee) : alignedFigure(figures.fee, columns.fee)}</td>
        <td class="num" data-label="Proceeds">${alignedFigure(figures.proceeds, columns.proceeds)}</td>
        <td class="num" data-label="Cost Basis">${alignedFigure(figures.cost, columns.cost)}</td>
        ${gainCell(figures.gain, 'Realized Gain', columns.gain)}
        <td data-label="Holding Period">${result.allocations.map(holdingPeriod).join('; ')}</td>
        <td class="row-actions">
          <form method="post" action="${removeSaleUrl(sale.id)}" class="inline">
            ${token}
            <button type="submit" class="link" aria-label="Remove the sale of ${figures.shares} ${sale.symbol} on ${sale.date}">Remove</button>
          </form>
        </td>
      </tr>`;
}

/** The totals the sales page shows under the table. */
export interface RealizedSummary {
  readonly gain: Decimal;
  readonly shortTerm: Decimal;
  readonly longTerm: Decimal;
  readonly unknownTerm: Decimal;
}

/** Every sale, by symbol then date, with its realized gain and holding period; totals by term. */
export function salesPage(sales: readonly SaleResult[], totals: RealizedSummary, csrfToken: string): Html {
  const token = csrfField(csrfToken);
  if (sales.length === 0) {
    return html`<section>
  <h1>${SALES_TITLE}</h1>
  <p>No sales recorded yet.</p>
  <p><a class="button" href="${urlFor('sell_stock')}">Sell stock</a> <a href="${urlFor('list_stocks')}">Back to the portfolio</a></p>
</section>`;
  }
  const sorted = [...sales].sort(
    (a, b) =>
      (a.sale.symbol < b.sale.symbol ? -1 : a.sale.symbol > b.sale.symbol ? 1 : 0) ||
      (a.sale.date < b.sale.date ? -1 : a.sale.date > b.sale.date ? 1 : 0) ||
      a.sale.id - b.sale.id,
  );
  const rows = sorted.map(saleFigures);
  const totalGain = formatSignedMoney(totals.gain);
  const columns = saleColumns(rows, totalGain);
  return html`<section>
  <h1>${SALES_TITLE}</h1>
  <p class="note">Realized gain is what a sale brought in (shares × price, less its fee) less what those shares cost
    (their purchase price and their part of the buy fee). Unless you picked the lots, the oldest shares are sold first.
    A holding is long-term after more than 365 days.</p>
  <div class="table-wrap">
    <table id="sales-table" class="stacking">
      <caption class="visually-hidden">Sales</caption>
      <thead>
        <tr>
          <th scope="col">Symbol</th>
          <th scope="col">Sale Date</th>
          <th scope="col" class="num">Shares</th>
          <th scope="col" class="num">Sale Price</th>
          <th scope="col" class="num">Fee</th>
          <th scope="col" class="num">Proceeds</th>
          <th scope="col" class="num">Cost Basis</th>
          <th scope="col" class="num">Realized Gain</th>
          <th scope="col">Holding Period</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
      ${rows.map((row, i) => saleRow(row, columns, i === 0 || sorted[i - 1]?.sale.symbol !== row.result.sale.symbol, token))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row" colspan="7">Total realized gain</th>
          ${gainCell(totalGain, 'Total Realized Gain', columns.gain)}
          <td colspan="2">Short-term ${formatSignedMoney(totals.shortTerm)}, long-term ${formatSignedMoney(totals.longTerm)}${
            totals.unknownTerm.units !== 0n &&
            `, lots without a date ${formatSignedMoney(totals.unknownTerm)}`
          }</td>
        </tr>
      </tfoot>
    </table>
  </div>
  <div class="actions">
    <a class="button" href="${urlFor('sell_stock')}">Sell stock</a>
    <a class="button secondary" href="${urlFor('list_stocks')}">Back to the portfolio</a>
  </div>
</section>`;
}
