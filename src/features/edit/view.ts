/**
 * The edit page: the add-stock form's fields, filled in with the holding, plus the hidden original.
 * @module
 */
import { originalValues } from './form.js';
import type { Holding } from '../../domain/portfolio.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { csrfField } from '../../web/layout.js';
import { stockFormFields, stockFormSummary, type StockFormState } from '../../web/stock-form.js';

/** The form's starting state for `holding`: its stored values, canonical, and no messages. */
export function editFormState(holding: Holding): StockFormState {
  return {
    values: {
      stock_symbol: holding.symbol,
      number_of_shares: holding.shares,
      purchase_price: holding.price,
      purchase_date: holding.date ?? '',
    },
    errors: {},
  };
}

/** The edit page for the holding at `index`, as it was (`original`) when the visitor opened it. */
export function editStockPage(
  index: number,
  original: Holding,
  form: StockFormState,
  csrfToken: string,
  latestDate: string,
): Html {
  const hidden = Object.entries(originalValues(original)).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  );
  return html`<section>
  <h1>Edit ${original.symbol}</h1>
  ${stockFormSummary(form)}
  <form method="post" action="${urlFor('edit_stock', { index })}" class="stock-form">
    ${csrfField(csrfToken)}
    ${hidden}
    ${stockFormFields(form, latestDate)}
    <div class="actions">
      <button type="submit">Save changes</button>
      <a href="${urlFor('list_stocks')}">Cancel</a>
    </div>
  </form>
</section>`;
}
