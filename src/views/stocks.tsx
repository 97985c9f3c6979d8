/**
 * The portfolio pages: the add-stock form and the holdings table.
 * @module
 */
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { FIELD_NAMES, stockFields, type FieldName } from '../forms/stock.js';
import type { PortfolioSummary } from '../portfolio/portfolio.js';
import { urlFor } from '../routes/names.js';
import { CsrfField, renderedOnce } from './layout.js';

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

export function AddStockPage(props: { form: StockFormState; csrfToken: string }) {
  const { form } = props;
  return (
    <section>
      <h1>Add a Stock</h1>
      {form.formError !== undefined && (
        <p class="form-error" role="alert">
          {form.formError}
        </p>
      )}
      <form method="post" action={urlFor('add_stock')} class="stock-form">
        <CsrfField token={props.csrfToken} />
        {FIELD_NAMES.map((name) => {
          const field = stockFields[name];
          const error = form.errors[name];
          const errorId = `${name}-error`;
          return (
            <div class={error === undefined ? 'field' : 'field invalid'}>
              <label for={name}>{field.label}</label>
              <input
                id={name}
                name={name}
                type="text"
                value={form.values[name]}
                required
                pattern={field.pattern}
                title={field.title}
                maxlength={field.maxLength}
                inputmode={field.inputMode}
                autocapitalize={field.autoCapitalize}
                autocomplete="off"
                placeholder={field.placeholder}
                aria-invalid={error === undefined ? undefined : 'true'}
                aria-describedby={error === undefined ? undefined : errorId}
              />
              {error !== undefined && (
                <p class="field-error" id={errorId}>
                  {error}
                </p>
              )}
            </div>
          );
        })}
        <button type="submit">Add Stock</button>
      </form>
    </section>
  );
}

export function ListStocksPage(props: {
  summary: PortfolioSummary;
  remaining: number;
  /** Where the session lives, for the "how many more fit" hint. Default the cookie. */
  storage?: 'cookie' | 'server';
  csrfToken: string;
}) {
  const { summary, remaining, csrfToken } = props;
  const room = props.storage === 'server' ? 'your saved portfolio' : "your browser's cookie";
  if (summary.rows.length === 0) {
    return (
      <section>
        <h1>List of Stocks</h1>
        <div class="empty-state">
          <p>Your portfolio is empty.</p>
          <p>
            <a class="button" href={urlFor('add_stock')}>
              Add your first stock
            </a>
          </p>
        </div>
      </section>
    );
  }
  return (
    <section>
      <h1>List of Stocks</h1>
      <div class="table-wrap">
        <table id="stock-table">
          {tableHead()}
          <tbody>{holdingRows(summary, csrfToken)}</tbody>
          <tfoot>
            <tr>
              <th scope="row" colspan={3}>
                Total
              </th>
              <td class="num">{summary.total}</td>
              <td></td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p class="capacity">
        {summary.rows.length} {summary.rows.length === 1 ? 'holding' : 'holdings'}.{' '}
        {remaining > 0
          ? `About ${remaining} more fit in ${room}.`
          : 'Your portfolio is full: remove a holding to add another.'}
      </p>
      <div class="actions">
        <a class="button" href={urlFor('add_stock')}>
          Add Stock
        </a>
        <form method="post" action={urlFor('clear_stocks')} class="inline">
          <CsrfField token={csrfToken} />
          <button type="submit" class="secondary">
            Clear portfolio
          </button>
        </form>
      </div>
    </section>
  );
}

/**
 * The table rows, rendered once per portfolio and visitor: a frozen summary (the same object for
 * every request that brings the same cookie) keeps its rendered rows, so a repeated GET /stocks
 * skips most of the JSX work (see bench/README.md). Values are escaped by hono/jsx as always.
 */
function holdingRows(summary: PortfolioSummary, csrfToken: string): HtmlEscapedString {
  const known = renderedRows.get(summary);
  if (known?.csrfToken === csrfToken) return known.html;
  const rows = (
    <>
      {summary.rows.map((row, index) => (
        <tr>
          <td>{row.holding.symbol}</td>
          <td class="num">{row.shares}</td>
          <td class="num">{row.price}</td>
          <td class="num">{row.cost}</td>
          <td>
            <form method="post" action={urlFor('delete_stock', { index })} class="inline">
              <CsrfField token={csrfToken} />
              <input type="hidden" name="symbol" value={row.holding.symbol} />
              <button type="submit" class="link" aria-label={`Remove ${row.holding.symbol}`}>
                Remove
              </button>
            </form>
          </td>
        </tr>
      ))}
    </>
  );
  // Our components are synchronous; an async one would need the page to await it.
  if (rows instanceof Promise) throw new TypeError('Table rows must render synchronously');
  const html = raw(rows.toString());
  renderedRows.set(summary, { csrfToken, html });
  return html;
}

const renderedRows = new WeakMap<
  PortfolioSummary,
  { readonly csrfToken: string; readonly html: HtmlEscapedString }
>();

const tableHead = renderedOnce(() => (
  <thead>
    <tr>
      <th scope="col">Stock Symbol</th>
      <th scope="col" class="num">
        Number of Shares
      </th>
      <th scope="col" class="num">
        Purchase Price
      </th>
      <th scope="col" class="num">
        Cost Basis
      </th>
      <th scope="col" aria-label="Actions"></th>
    </tr>
  </thead>
));
