/**
 * The portfolio pages: the add-stock form and the holdings table.
 * @module
 */
import { FIELD_NAMES, stockFields, type FieldName } from '../forms/stock.js';
import type { PortfolioSummary } from '../portfolio/portfolio.js';
import { urlFor } from '../routes/names.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';

/** What the form shows: entered values, a message per bad field, and a message for the whole form. */
export interface StockFormState {
  readonly values: Readonly<Record<FieldName, string>>;
  readonly errors: Readonly<Partial<Record<FieldName, string>>>;
  readonly formError?: string | undefined;
}

export const EMPTY_FORM: StockFormState = Object.freeze({
  values: Object.freeze({ stock_symbol: '', number_of_shares: '', purchase_price: '' }),
  errors: Object.freeze({}),
});

function formField(name: FieldName, value: string, error: string | undefined): Html {
  const field = stockFields[name];
  const errorId = `${name}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${name}">${field.label}</label>
      <input id="${name}" name="${name}" type="text" value="${value}" required pattern="${field.pattern}"
        title="${field.title}" maxlength="${field.maxLength}" inputmode="${field.inputMode}"
        autocapitalize="${field.autoCapitalize}" autocomplete="off" placeholder="${field.placeholder}"${
          invalid && html` aria-invalid="true" aria-describedby="${errorId}"`
        } />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/** The add-stock page: the form, with the visitor's values and messages after a refused post. */
export function addStockPage(form: StockFormState, csrfToken: string): Html {
  const fields = FIELD_NAMES.map((name) => formField(name, form.values[name], form.errors[name]));
  return html`<section>
  <h1>Add a Stock</h1>
  ${form.formError !== undefined && html`<p class="form-error" role="alert">${form.formError}</p>`}
  <form method="post" action="${urlFor('add_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${fields}
    <button type="submit">Add Stock</button>
  </form>
</section>`;
}

const TABLE_HEAD = html`<thead>
      <tr>
        <th scope="col">Stock Symbol</th>
        <th scope="col" class="num">Number of Shares</th>
        <th scope="col" class="num">Purchase Price</th>
        <th scope="col" class="num">Cost Basis</th>
        <th scope="col" aria-label="Actions"></th>
      </tr>
    </thead>`;

const EMPTY_STATE = html`<section>
  <h1>List of Stocks</h1>
  <div class="empty-state">
    <p>Your portfolio is empty.</p>
    <p><a class="button" href="${urlFor('add_stock')}">Add your first stock</a></p>
  </div>
</section>`;

function holdingRow(row: PortfolioSummary['rows'][number], index: number, token: Html): Html {
  const { symbol } = row.holding;
  return html`<tr>
        <td>${symbol}</td>
        <td class="num">${row.shares}</td>
        <td class="num">${row.price}</td>
        <td class="num">${row.cost}</td>
        <td>
          <form method="post" action="${urlFor('delete_stock', { index })}" class="inline">
            ${token}
            <input type="hidden" name="symbol" value="${symbol}" />
            <button type="submit" class="link" aria-label="Remove ${symbol}">Remove</button>
          </form>
        </td>
      </tr>`;
}

/** The holdings table with its total, how many more fit, and the page's actions. */
export function listStocksPage(summary: PortfolioSummary, remaining: number, csrfToken: string): Html {
  const count = summary.rows.length;
  if (count === 0) return EMPTY_STATE;
  const token = csrfField(csrfToken);
  const capacity =
    remaining > 0
      ? `About ${remaining} more fit in your browser's cookie.`
      : 'Your portfolio is full: remove a holding to add another.';
  return html`<section>
  <h1>List of Stocks</h1>
  <div class="table-wrap">
    <table id="stock-table">
    ${TABLE_HEAD}
    <tbody>
      ${summary.rows.map((row, index) => holdingRow(row, index, token))}
    </tbody>
    <tfoot>
      <tr><th scope="row" colspan="3">Total</th><td class="num">${summary.total}</td><td></td></tr>
    </tfoot>
    </table>
  </div>
  <p class="capacity">${count} ${count === 1 ? 'holding' : 'holdings'}. ${capacity}</p>
  <div class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add Stock</a>
    <form method="post" action="${urlFor('clear_stocks')}" class="inline">
      ${token}
      <button type="submit" class="secondary">Clear portfolio</button>
    </form>
  </div>
</section>`;
}
