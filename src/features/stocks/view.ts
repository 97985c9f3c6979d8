/**
 * The portfolio pages: the add-stock form (whose fields the edit form shares) and the list.
 * @module
 */
import { FIELD_NAMES, stockFields, type FieldName } from '../../domain/stock-rules.js';
import { summarize, type Holding } from '../../domain/portfolio.js';
import type { Positions, PositionSort } from '../../domain/positions.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { allocationChart } from './chart.js';
import { errorSummary, type SummaryItem } from '../../web/error-summary.js';
import { csrfField } from '../../web/layout.js';
import { positionsSection, priceFieldId, type PriceFormError } from './positions-view.js';

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

/** The add-stock page's title and heading. */
export const ADD_STOCK_TITLE = 'Add a stock';

/** Whether the form was refused: its page title then starts with "Error: ". */
export function formHasErrors(form: StockFormState): boolean {
  return form.formError !== undefined || FIELD_NAMES.some((name) => form.errors[name] !== undefined);
}

/** The error summary of a stock form (add or edit): the form-wide problem first, then one per field. */
export function stockFormSummary(form: StockFormState): Html | undefined {
  const items: SummaryItem[] = FIELD_NAMES.flatMap((name) => {
    const message = form.errors[name];
    return message === undefined ? [] : [{ message, fieldId: name }];
  });
  if (form.formError !== undefined) items.unshift({ message: form.formError });
  return errorSummary(items);
}

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
  <h1>${ADD_STOCK_TITLE}</h1>
  ${stockFormSummary(form)}
  <form method="post" action="${urlFor('add_stock')}" class="stock-form">
    ${csrfField(csrfToken)}
    ${fields}
    <button type="submit">Add stock</button>
  </form>
</section>`;
}

/** The list page's title and heading: "portfolio" is the one word for the collection everywhere. */
export const PORTFOLIO_TITLE = 'Your portfolio';

const EMPTY_STATE = html`<div class="empty-state">
    <p>Your portfolio is empty.</p>
    <p><a class="button" href="${urlFor('add_stock')}">Add your first stock</a></p>
  </div>`;

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

/** What the list page shows besides the positions: how many more fit, a refused price, the undo. */
export interface ListOptions {
  readonly sort: PositionSort;
  /** Holdings that still fit in the session (at least 1 is exact: see `routes/capacity.ts`). */
  readonly remaining: number;
  readonly priceError?: PriceFormError | undefined;
  /** Where the session lives, for the "how many more fit" hint. Default: the cookie. */
  readonly storage?: 'cookie' | 'server';
  /** The removal that can still be undone. */
  readonly removed?: Holding | undefined;
}

function capacityText(remaining: number, storage: 'cookie' | 'server' | undefined): string {
  if (remaining <= 0) return 'Your portfolio is full: remove a holding to add another.';
  const room = storage === 'server' ? 'your saved portfolio' : "your browser's cookie";
  return remaining === 1 ? `1 more fits in ${room}.` : `About ${remaining} more fit in ${room}.`;
}

/**
 * The positions with their lots, the allocation chart, how many more fit, the page's actions, and
 * the removal that can still be undone.
 */
export function listStocksPage(view: Positions, options: ListOptions, csrfToken: string): Html {
  const count = view.positions.reduce((n, p) => n + p.lots.length, 0);
  const token = csrfField(csrfToken);
  const undo = options.removed !== undefined && undoNotice(options.removed, token);
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
  ${
    options.priceError !== undefined &&
    errorSummary([{ message: options.priceError.message, fieldId: priceFieldId(options.priceError.symbol) }])
  }
  ${positionsSection(view, options.sort, token, options.priceError)}
  <p class="capacity">${count} ${count === 1 ? 'holding' : 'holdings'}. ${capacityText(options.remaining, options.storage)}</p>
  <div class="actions">
    <a class="button" href="${urlFor('add_stock')}">Add stock</a>
    <a class="button secondary" href="${urlFor('export_stocks')}" download>Export CSV</a>
    <a class="button secondary" href="${urlFor('import_stocks')}">Import CSV</a>
    <a class="button secondary" href="${urlFor('clear_stocks')}">Clear portfolio…</a>
  </div>
</section>
${allocationChart(view)}`;
}
