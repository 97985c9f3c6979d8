/**
 * The sell form and the list of sales with their realized gain and holding periods.
 * @module
 */
import {
  formatMoney,
  formatPrice,
  formatQuantity,
  formatSignedMoney,
  type Decimal,
} from '../../domain/decimal.js';
import type { LotView } from '../../domain/gains.js';
import { amountOf } from '../../domain/ledger.js';
import { normalizeSymbol } from '../../domain/portfolio.js';
import {
  PICK_PREFIX,
  salePriceMessages,
  saleDateMessages,
  SALE_FIELD_NAMES,
} from '../../domain/sale-rules.js';
import { stockFields, UNSIGNED_NUMBER } from '../../domain/stock-fields.js';
import type { Allocation, SaleResult } from '../../domain/sales.js';
import { errorSummary, type SummaryItem } from '../../web/error-summary.js';
import { html, type Html } from '../../web/html.js';
import {
  alignedBlank,
  alignedFigure,
  decimalColumn,
  numClass,
  type DecimalColumn,
} from '../../web/figures.js';
import { csrfField } from '../../web/layout.js';
import { feeField } from '../../web/stock-form.js';
import { formatCount, pageLinks, type Noun, type PageOf } from '../../web/page-links.js';
import { indexedUrl, urlFor } from '../../web/urls.js';

/** The sell page's title and heading. */
export const SELL_TITLE = 'Sell stock';
/** The sales page's title and heading. */
export const SALES_TITLE = 'Sales and realized gain';

/** What the sell form shows: entered values, a message per bad field, one for the whole form. */
export interface SaleFormState {
  readonly values: Readonly<Record<string, string>>;
  readonly errors: Readonly<Record<string, string>>;
  readonly formError?: string | undefined;
}

const LABELS: Readonly<Record<(typeof SALE_FIELD_NAMES)[number], string>> = {
  stock_symbol: 'Stock Symbol',
  number_of_shares: 'Number of Shares',
  sale_price: 'Sale Price ($)',
  sale_date: 'Sale Date (optional)',
  fee: 'Fee ($, optional)',
};

function textInput(
  name: string,
  label: string,
  value: string,
  error: string | undefined,
  attributes: Html,
): Html {
  const errorId = `${name}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${name}">${label}</label>
      <input id="${name}" name="${name}" value="${value}" autocomplete="off" ${attributes}${
        invalid && html` aria-invalid="true" aria-describedby="${errorId}"`
      } />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/** A picked lot's shares: a number of shares, or empty. */
const PICK_PATTERN = `\\s*(?:${UNSIGNED_NUMBER})?\\s*`;

/** The hidden field that says which page of lots a posted form's picks came from. */
export const PICKS_PAGE_FIELD = 'picks_page';

/** What the pages of the lots to pick from are of, for their links. */
const OPEN_LOTS: Noun = { one: 'open lot', many: 'open lots' };

/** The sell form's URL for `symbol`, on `page` of its lots to pick from. */
export function sellUrl(symbol: string, page = 1): string {
  const url = urlFor('sell_stock');
  const query = new URLSearchParams();
  if (symbol !== '') query.set('symbol', symbol);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text === '' ? url : `${url}?${text}`;
}

/** `first–last of total`, as the page links write where a page sits. */
function span(lots: PageOf<LotView>): string {
  const last = lots.first + lots.items.length - 1;
  return `${formatCount(lots.first)}–${formatCount(last)} of ${formatCount(lots.total)}`;
}

function lotPicks(lots: PageOf<LotView>, form: SaleFormState): Html | undefined {
  if (lots.items.length === 0) return undefined;
  const paged = lots.pageCount > 1;
  return html`<fieldset class="picks">
      <legend>Which lots${paged && `, of open lots ${span(lots)}`} (optional: leave empty to sell the oldest first)</legend>
      ${paged && html`<input type="hidden" name="${PICKS_PAGE_FIELD}" value="${lots.page}" />`}
      ${lots.items.map((lot) => {
        const name = `${PICK_PREFIX}${lot.lot.id}`;
        const bought = lot.lot.date === undefined ? 'no date' : `bought ${lot.lot.date}`;
        return textInput(
          name,
          `Lot #${lot.lot.id}, ${bought} at ${formatPrice(amountOf(lot.lot.price))}: ${formatQuantity(lot.remaining)} shares left`,
          form.values[name] ?? '',
          form.errors[name],
          html`type="text" inputmode="decimal" pattern="${PICK_PATTERN}" maxlength="64"`,
        );
      })}
    </fieldset>`;
}

/**
 * What a sell form whose lots take more than one page says above the form: which lots the picks
 * apply to, how to reach the others, and that a sale without picks still sells from all of them.
 * The links are outside the form: their "go to page" form may not sit inside another form.
 */
function picksPages(symbol: string, lots: PageOf<LotView>): Html | undefined {
  if (lots.pageCount <= 1) return undefined;
  const total = formatCount(lots.total);
  return html`<p class="note" id="picks-pages">${symbol} has ${total} open lots, too many for one page: this page lists open lots ${span(lots)} to pick from, and picks apply to those only.
    To pick from other lots, go to their page first (changing page starts this form again).
    A sale without picks sells the oldest shares first, from all ${total} lots.</p>
  ${pageLinks(lots, OPEN_LOTS, (page) => sellUrl(symbol, page), urlFor('sell_stock'), { symbol })}`;
}

/**
 * The sell form: the add form's fields with `sale_` names, the fee, and, when the symbol is held,
 * one field per open lot to pick the shares from: a page of them (`LOTS_PER_PAGE`) when there are
 * more, with links to the other pages.
 * @param lots the page of the symbol's open lots to list (of none when it holds none).
 */
export function sellPage(
  form: SaleFormState,
  lots: PageOf<LotView>,
  csrfToken: string,
  latestDate: string,
): Html {
  const items: SummaryItem[] = Object.entries(form.errors).map(([fieldId, message]) => ({
    message,
    fieldId,
  }));
  if (form.formError !== undefined) items.unshift({ message: form.formError });
  const value = (name: string) => form.values[name] ?? '';
  const symbol = stockFields.stock_symbol;
  const shares = stockFields.number_of_shares;
  return html`<section>
  <h1>${SELL_TITLE}</h1>
  ${errorSummary(items)}
  ${picksPages(normalizeSymbol(value('stock_symbol')), lots)}
  <form method="post" action="${urlFor('sell_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${textInput('stock_symbol', LABELS.stock_symbol, value('stock_symbol'), form.errors['stock_symbol'], html`type="text" required pattern="${symbol.pattern}" title="${symbol.title}" maxlength="${symbol.maxLength}" autocapitalize="characters" placeholder="AAPL"`)}
    ${textInput('number_of_shares', LABELS.number_of_shares, value('number_of_shares'), form.errors['number_of_shares'], html`type="text" required pattern="${shares.pattern}" title="${shares.title}" maxlength="64" inputmode="decimal" placeholder="15"`)}
    ${textInput('sale_price', LABELS.sale_price, value('sale_price'), form.errors['sale_price'], html`type="text" required pattern="${stockFields.purchase_price.pattern}" title="${salePriceMessages.invalid}" maxlength="64" inputmode="decimal" placeholder="310.50"`)}
    ${textInput('sale_date', LABELS.sale_date, value('sale_date'), form.errors['sale_date'], html`type="date" pattern="${stockFields.purchase_date.pattern}" title="${saleDateMessages.invalid}" maxlength="64" max="${latestDate}" placeholder="YYYY-MM-DD"`)}
    ${feeField(value('fee'), form.errors['fee'])}
    ${lotPicks(lots, form)}
    <div class="actions">
      <button type="submit">Record sale</button>
      <a href="${urlFor('list_stocks')}">Cancel</a>
    </div>
  </form>
</section>`;
}

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
