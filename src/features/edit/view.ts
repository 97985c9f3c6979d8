/**
 * The edit page: the add-stock form's fields and the fee, filled in with the lot, posted to its id.
 * @module
 */
import { CONFIRM_FIELD, CONFIRM_VALUE } from './form.js';
import type { Lot } from '../../domain/ledger.js';
import { urlFor } from '../../web/urls.js';
import { html, type Html } from '../../web/html.js';
import { csrfField } from '../../web/layout.js';
import { placeInputs, placeUrl, type ReturnPlace } from '../../web/return-place.js';
import { feeField, stockFormFields, stockFormSummary, type StockFormState } from '../../web/stock-form.js';

/** The form's starting state for `lot`: its stored values, canonical, and no messages. */
export function editFormState(lot: Lot | Omit<Lot, 'id'>): StockFormState {
  return {
    values: {
      stock_symbol: lot.symbol,
      number_of_shares: lot.shares,
      purchase_price: lot.price,
      purchase_date: lot.date ?? '',
    },
    errors: {},
  };
}

/** What the edit page shows besides the stock fields. */
export interface EditExtras {
  readonly fee: string;
  readonly feeError?: string | undefined;
  /** Ask to confirm a change of realized gain (the message is the form's `formError`). */
  readonly askConfirm?: boolean;
}

/**
 * The edit page for lot `lotId`, shown as `symbol` (its symbol when the page was opened). `place`
 * is the page its Edit link was on: Save and Cancel return there (`web/return-place.ts`).
 */
export function editStockPage(
  lotId: number,
  symbol: string,
  form: StockFormState,
  extras: EditExtras,
  csrfToken: string,
  latestDate: string,
  place?: ReturnPlace,
): Html {
  return html`<section>
  <h1>Edit ${symbol}</h1>
  ${stockFormSummary(form, extras.feeError)}
  <form method="post" action="${urlFor('edit_lot', { lot_id: lotId })}" class="stock-form">
    ${csrfField(csrfToken)}${placeInputs(place)}
    ${stockFormFields(form, latestDate)}
    ${feeField(extras.fee, extras.feeError)}
    ${
      extras.askConfirm === true &&
      html`<div class="field">
      <input id="${CONFIRM_FIELD}" name="${CONFIRM_FIELD}" type="checkbox" value="${CONFIRM_VALUE}" />
      <label for="${CONFIRM_FIELD}">Yes, change the realized gain of these sales</label>
    </div>`
    }
    <div class="actions">
      <button type="submit">Save changes</button>
      <a href="${placeUrl(place)}">Cancel</a>
    </div>
  </form>
</section>`;
}
