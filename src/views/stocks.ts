/**
 * The portfolio pages: the add-stock form (whose fields the edit form shares) and the list.
 * @module
 */
import { FIELD_NAMES, stockFields, type FieldName } from '../forms/stock.js';
import type { Positions, PositionSort } from '../portfolio/positions.js';
import { urlFor } from '../routes/names.js';
import { html, type Html } from './html.js';
import { allocationChart } from './chart.js';
import { csrfField } from './layout.js';
import { positionsSection, type PriceFormError } from './positions.js';

/** What the form shows: entered values, a message per bad field, and a message for the whole form. */
export interface StockFormState {
  readonly values: Readonly<Record<FieldName, string>>;
  readonly errors: Readonly<Partial<Record<FieldName, string>>>;
  readonly formError?: string | undefined;
}

export const EMPTY_FORM: StockFormState = Object.freeze({
  values: Object.freeze({ stock_symbol: '', number_of_shares: '', purchase_price: '', purchase_date: '' }),
  errors: Object.freeze({}),
});

/**
 * One input with its label and message. `latestDate` is the date input's `max` (the browser's
 * first check; the server decides), so the picker offers no day in the future.
 */
function formField(name: FieldName, value: string, error: string | undefined, latestDate: string): Html {
  const field = stockFields[name];
  const errorId = `${name}-error`;
  const invalid = error !== undefined;
  return html`<div class="${invalid ? 'field invalid' : 'field'}">
      <label for="${name}">${field.label}</label>
      <input id="${name}" name="${name}" type="${field.type}" value="${value}"${field.required && html` required`} pattern="${field.pattern}"
        title="${field.title}" maxlength="${field.maxLength}" inputmode="${field.inputMode}"
        autocapitalize="${field.autoCapitalize}" autocomplete="off" placeholder="${field.placeholder}"${
          field.type === 'date' && html` max="${latestDate}"`
        }${invalid && html` aria-invalid="true" aria-describedby="${errorId}"`} />
      ${invalid && html`<p class="field-error" id="${errorId}">${error}</p>`}
    </div>`;
}

/** Every field of the add-stock form, shared by the edit form: one set of inputs, one set of rules. */
export function stockFormFields(form: StockFormState, latestDate: string): Html[] {
  return FIELD_NAMES.map((name) => formField(name, form.values[name], form.errors[name], latestDate));
}

/** The add-stock page: the form, with the visitor's values and messages after a refused post. */
export function addStockPage(form: StockFormState, csrfToken: string, latestDate: string): Html {
  const fields = stockFormFields(form, latestDate);
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

const EMPTY_STATE = html`<section>
  <h1>List of Stocks</h1>
  <div class="empty-state">
    <p>Your portfolio is empty.</p>
    <p><a class="button" href="${urlFor('add_stock')}">Add your first stock</a></p>
  </div>
</section>`;

/** What the list page shows besides the positions: how many more fit, and a refused price. */
export interface ListOptions {
  readonly sort: PositionSort;
  /** Typical holdings that still fit in the session. */
  readonly remaining: number;
  readonly priceError?: PriceFormError | undefined;
  /** Where the session lives, for the "how many more fit" hint. Default: the cookie. */
  readonly storage?: 'cookie' | 'server';
}

/** The positions with their lots, the allocation chart, how many more fit, and the page's actions. */
export function listStocksPage(view: Positions, options: ListOptions, csrfToken: string): Html {
  const count = view.positions.reduce((n, p) => n + p.lots.length, 0);
  if (count === 0) return EMPTY_STATE;
  const token = csrfField(csrfToken);
  const { remaining } = options;
  const room = options.storage === 'server' ? 'your saved portfolio' : "your browser's cookie";
  const capacity =
    remaining > 0
      ? `About ${remaining} more fit in ${room}.`
      : 'Your portfolio is full: remove a holding to add another.';
  return html`<section>
  <h1>List of Stocks</h1>
  ${positionsSection(view, options.sort, token, options.priceError)}
  <p class="capacity">${count} ${count === 1 ? 'holding' : 'holdings'}. ${capacity}</p>
  <div class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add Stock</a>
    <a class="button secondary" href="${urlFor('export_stocks')}" download>Export CSV</a>
    <a class="button secondary" href="${urlFor('import_stocks')}">Import CSV</a>
    <form method="post" action="${urlFor('clear_stocks')}" class="inline">
      ${token}
      <button type="submit" class="secondary">Clear portfolio</button>
    </form>
  </div>
</section>
${allocationChart(view)}`;
}
