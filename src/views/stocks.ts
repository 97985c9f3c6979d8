/**
 * The portfolio pages: the add-stock form and the holdings table.
 * @module
 */
import { FIELD_NAMES, stockFields, type FieldName } from '../forms/stock.js';
import { summarize, type Holding, type PortfolioSummary } from '../portfolio/portfolio.js';
import { urlFor } from '../routes/names.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { errorSummary, type SummaryItem } from './errors.js';

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

/** The add-stock page's title and heading. */
export const ADD_STOCK_TITLE = 'Add a stock';

/** Whether the form was refused: its page title then starts with "Error: ". */
export function formHasErrors(form: StockFormState): boolean {
  return form.formError !== undefined || FIELD_NAMES.some((name) => form.errors[name] !== undefined);
}

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
  const items: SummaryItem[] = FIELD_NAMES.flatMap((name) => {
    const message = form.errors[name];
    return message === undefined ? [] : [{ message, fieldId: name }];
  });
  if (form.formError !== undefined) items.unshift({ message: form.formError });
  return html`<section>
  <h1>${ADD_STOCK_TITLE}</h1>
  ${errorSummary(items)}
  <form method="post" action="${urlFor('add_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${fields}
    <button type="submit">Add stock</button>
  </form>
</section>`;
}

/** The list page's title and heading: "portfolio" is the one word for the collection everywhere. */
export const PORTFOLIO_TITLE = 'Your portfolio';

const TABLE_HEAD = html`<thead>
      <tr>
        <th scope="col">Stock Symbol</th>
        <th scope="col" class="num">Number of Shares</th>
        <th scope="col" class="num">Purchase Price</th>
        <th scope="col" class="num">Cost Basis</th>
        <th scope="col"><span class="visually-hidden">Actions</span></th>
      </tr>
    </thead>`;

const EMPTY_STATE = html`<div class="empty-state">
    <p>Your portfolio is empty.</p>
    <p><a class="button" href="${urlFor('add_stock')}">Add your first stock</a></p>
  </div>`;

// `data-label` repeats each column's header: on a phone, rows stack and every cell says what it is.
function holdingRow(row: PortfolioSummary['rows'][number], index: number, token: Html): Html {
  const { symbol } = row.holding;
  return html`<tr>
        <td data-label="Stock Symbol">${symbol}</td>
        <td class="num" data-label="Number of Shares">${row.shares}</td>
        <td class="num" data-label="Purchase Price">${row.price}</td>
        <td class="num" data-label="Cost Basis">${row.cost}</td>
        <td class="row-actions">
          <form method="post" action="${urlFor('delete_stock', { index })}" class="inline">
            ${token}
            <input type="hidden" name="symbol" value="${symbol}" />
            <button type="submit" class="link" aria-label="Remove ${symbol}">Remove</button>
          </form>
        </td>
      </tr>`;
}

/** "Removed AAPL (15 shares at $302.17)." with the button that puts it back. */
function undoNotice(removed: Holding, token: Html): Html {
  const [row] = summarize([removed]).rows;
  return html`<div class="notice" role="status">
    <p>Removed ${removed.symbol}${row !== undefined && ` (${row.shares} shares at ${row.price})`}.</p>
    <form method="post" action="${urlFor('undo_remove')}" class="inline">
      ${token}
      <button type="submit" class="secondary">Undo: put ${removed.symbol} back</button>
    </form>
  </div>`;
}

function capacityText(remaining: number): string {
  if (remaining <= 0) return 'Your portfolio is full: remove a holding to add another.';
  return remaining === 1
    ? "1 more fits in your browser's cookie."
    : `About ${remaining} more fit in your browser's cookie.`;
}

/**
 * The holdings table with its total, how many more fit, the page's actions, and the removal
 * that can still be undone.
 */
export function listStocksPage(
  summary: PortfolioSummary,
  remaining: number,
  csrfToken: string,
  removed?: Holding,
): Html {
  const count = summary.rows.length;
  const token = csrfField(csrfToken);
  const undo = removed !== undefined && undoNotice(removed, token);
  if (count === 0) {
    return html`<section>
  <h1>${PORTFOLIO_TITLE}</h1>
  ${undo}
  ${EMPTY_STATE}
</section>`;
  }
  return html`<section>
  <h1>${PORTFOLIO_TITLE}</h1>
  ${undo}
  <div class="table-wrap">
    <table id="stock-table" class="stacking">
    ${TABLE_HEAD}
    <tbody>
      ${summary.rows.map((row, index) => holdingRow(row, index, token))}
    </tbody>
    <tfoot>
      <tr><th scope="row" colspan="3">Total</th><td class="num" data-label="Total cost">${summary.total}</td><td></td></tr>
    </tfoot>
    </table>
  </div>
  <p class="capacity">${count} ${count === 1 ? 'holding' : 'holdings'}. ${capacityText(remaining)}</p>
  <div class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add stock</a>
    <a class="button secondary" href="${urlFor('clear_stocks')}">Clear portfolio…</a>
  </div>
</section>`;
}
